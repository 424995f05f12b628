// Package ci holds an example of reviewing runbooks in pull requests:
// mend-review.yml, a GitHub Actions workflow, and review.sh, the script it
// runs (mend fmt -check, mend validate and mend show -format markdown on
// the runbooks a pull request changes, written as one comment and posted
// with gh when a token is set). ci_test.go runs the script against real
// git repositories and a freshly built mend.
package ci
