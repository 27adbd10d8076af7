package config

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeDocumentsEveryVariable keeps the README's configuration table in
// step with Vars, the list `satchel --help` prints.
func TestReadmeDocumentsEveryVariable(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, v := range Vars {
		if !strings.Contains(readme, "`"+v.Name+"`") {
			t.Errorf("README does not document %s", v.Name)
		}
		if v.Flag != "" && !strings.Contains(readme, "`--"+v.Flag+"`") {
			t.Errorf("README does not mention the flag --%s", v.Flag)
		}
		if v.Default != "" && !strings.Contains(readme, "`"+v.Default+"`") {
			t.Errorf("README does not give %s's default %s", v.Name, v.Default)
		}
	}
}
