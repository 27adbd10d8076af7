package verify

// validateSchema is ldproof.ValidateSchema once that lands.
var validateSchema = func(doc []byte, name string) error { return nil }
