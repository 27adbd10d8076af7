package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRoutes_TableListsEveryRoute keeps web/routes.go the one table of
// routes: no other file of the package registers a route, a group or
// middleware on echo, or a route's own body limit. (Which routes exist and
// who may call them is TestAuthz_EveryRouteIsClassified's business.)
func TestRoutes_TableListsEveryRoute(t *testing.T) {
	t.Parallel()
	// Echo's registration methods; Add is left out, as time.Time,
	// sync.WaitGroup and http.Header have one too.
	registers := map[string]bool{
		"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true,
		"OPTIONS": true, "CONNECT": true, "TRACE": true, "Any": true, "Match": true,
		"Group": true, "Use": true, "Pre": true, "RouteNotFound": true, "Static": true, "File": true,
		"routeBodyLimit": true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if name == "routes.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && registers[sel.Sel.Name] {
				t.Errorf("%s: .%s(...) outside routes.go: register routes, groups and their middleware in the table in web/routes.go", fset.Position(call.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
