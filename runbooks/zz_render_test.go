package runbooks
import ("testing";"os";"fmt")
func TestRenderAll(t *testing.T){
	for _, f := range []string{os.Getenv("F")} {
		src,_ := os.ReadFile(f)
		_, d := Load(f, src, testRegistry())
		fmt.Println(render(d, f, src))
	}
}
