package export_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/satchel-backpack/satchel/internal/export"
)

func Example() {
	var zip bytes.Buffer
	_, err := export.Write(&zip, export.Input{
		ExportedAt: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC),
		Profile:    &export.Profile{Handle: "ada", DisplayName: "Ada Lovelace"},
		Badges: []export.Entry{{
			Badge:    export.Badge{ID: "b1", Format: "json", Version: "2.0", Visibility: export.Public, Name: "Analytical Engines"},
			Original: []byte(`{"type":"Assertion"}`),
		}},
		Collections: []export.Collection{{ID: "c1", Name: "Maths", Visibility: export.Public, Badges: []string{"b1"}}},
	})
	if err != nil {
		panic(err)
	}

	a, err := export.ReadBytes(zip.Bytes(), export.Limits{})
	if err != nil {
		panic(err) // an *export.Error: show err.Error() to the learner
	}
	for _, b := range a.Manifest.Badges {
		fmt.Printf("%s %s %q\n", b.Original.Path, b.Name, a.Original(b))
	}
	fmt.Println(a.Manifest.Collections[0].Name, a.Manifest.Collections[0].Badges)

	_, err = export.ReadBytes([]byte("not a zip"), export.Limits{})
	fmt.Println(err)
	// Output:
	// badges/001-analytical-engines.json Analytical Engines "{\"type\":\"Assertion\"}"
	// Maths [b1]
	// This file is not a ZIP archive, or it is damaged or incomplete. Download the export again and upload it unchanged.
}
