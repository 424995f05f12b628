package steps

import "reflect"

// ConfigAs returns config as a T, the type a step type's NewConfig returns
// (a pointer to its config struct): step types call it at the top of
// ValidateConfig, Diagnose, Plan and Apply instead of a bare type
// assertion. A config of another type, or a nil pointer, is an internal
// error (a bug in the engine or the step type), never a panic.
func ConfigAs[T any](config any) (T, error) {
	c, ok := config.(T)
	if ok {
		if v := reflect.ValueOf(c); v.Kind() != reflect.Pointer || !v.IsNil() {
			return c, nil
		}
	}
	var zero T
	return zero, Errorf(ClassInternal, "step config is %T, want %T (a bug in mend: please report it)", config, zero)
}
