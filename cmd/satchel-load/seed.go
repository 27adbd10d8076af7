package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/satchel-backpack/satchel/internal/badge"
	"github.com/satchel-backpack/satchel/internal/verify"
	"github.com/satchel-backpack/satchel/store"
)

// devSubject is the subject the development sign-in gives an email address
// (web/dev.go), so that a learner seeded here is the one who signs in.
func devSubject(email string) string { return "dev:" + strings.ToLower(email) }

// seed creates the learner (as the development sign-in will know them) and
// n badges in their backpack, directly through the store. The badges are
// varied like a real backpack: 25 issuers, a pool of tags, a few shared
// images, five years of dates, and a mix of statuses. The seed is fixed, so
// two runs load the same data.
func seed(ctx context.Context, db *store.DB, email string, n int) (userID int64, err error) {
	u, _, err := db.SignIn(ctx, store.Identity{Provider: "dev", Subject: devSubject(email), Email: email, EmailVerified: true, Name: "Load Test"})
	if err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(4, 2))
	type img struct {
		id   int64
		hash string
	}
	var imgs []img
	for i := range 8 {
		data, err := tilePNG(i)
		if err != nil {
			return 0, err
		}
		id, hash, err := db.PutImage(ctx, data, "image/png", 96, 96)
		if err != nil {
			return 0, err
		}
		imgs = append(imgs, img{id, hash})
	}
	issuers := make([]badge.Issuer, 25)
	for i := range issuers {
		host := fmt.Sprintf("https://issuer%02d.example.org", i)
		issuers[i] = badge.Issuer{ID: host + "/issuer", Name: issuerNames[i%len(issuerNames)] + fmt.Sprintf(" %d", i), URL: host, Email: "badges@" + strings.TrimPrefix(host, "https://")}
	}
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		is := issuers[rng.IntN(len(issuers))]
		subject := subjects[rng.IntN(len(subjects))]
		level := levels[rng.IntN(len(levels))]
		name := fmt.Sprintf("%s %s", subject, level)
		id := fmt.Sprintf("%s/assertions/%d", is.URL, i)
		issued := start.Add(time.Duration(rng.IntN(5*365*24)) * time.Hour)
		var tags []string
		for range 2 + rng.IntN(3) {
			tags = append(tags, tagPool[rng.IntN(len(tagPool))])
		}
		payload, _ := json.Marshal(map[string]any{
			"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": id,
			"recipient": map[string]any{"type": "email", "hashed": false, "identity": email},
			"issuedOn":  issued.Format(time.RFC3339), "badge": is.URL + "/class/" + fmt.Sprint(i%97),
			"verification": map[string]any{"type": "hosted"},
		})
		m := &badge.Badge{
			Version: badge.V2_0, Format: badge.FormatJSON, Type: "Assertion",
			Original: payload, Payload: payload, ID: id, Name: name,
			Description: fmt.Sprintf("Awarded to learners who completed **%s** at the %s level: %s", subject, strings.ToLower(level), loremDescription),
			Criteria:    badge.Criteria{URL: is.URL + "/criteria/" + fmt.Sprint(i%97), Narrative: "1. Attend the sessions.\n2. Complete the *practical assessment*.\n3. Reflect on what you learned."},
			Issuer:      is,
			Image:       badge.Image{URL: is.URL + "/img/" + fmt.Sprint(i%8) + ".png", Caption: name + " badge"},
			IssuedOn:    issued,
			Tags:        tags,
			Alignments:  []badge.Alignment{{TargetName: subject + " framework", TargetURL: "https://framework.example.org/" + fmt.Sprint(i%13)}},
			Recipient:   badge.Recipient{Type: "email", Identity: email},
		}
		status := store.StatusValid
		switch r := rng.IntN(100); {
		case r < 8:
			status = store.StatusExpired
			m.Expires = issued.Add(365 * 24 * time.Hour)
		case r < 13:
			status = store.StatusWarning
		case r < 17:
			status = store.StatusUnverified
		case r < 20:
			status = store.StatusRevoked
		}
		b, err := store.NewBadge(m)
		if err != nil {
			return 0, err
		}
		im := imgs[i%len(imgs)]
		b.UserID, b.ImageID = u.ID, im.id
		b.OriginalName, b.OriginalType = fmt.Sprintf("badge-%d.json", i), "application/json"
		b.MatchedType, b.MatchedValue = "email", email
		b.Status = status
		rep := &verify.Report{RanAt: issued}
		rep.Add("hosted", verify.Passed, "Fetched the badge from the issuer's server, which confirms it.", id)
		rep.Add("recipient", verify.Passed, "The badge was issued to "+email+".", "")
		rep.Finish()
		b.ReportJSON, _ = json.Marshal(rep)
		b.CheckedAt = issued
		b.NextCheckAt = time.Now().Add(365 * 24 * time.Hour) // the load run checks nothing
		if _, err := db.UpsertBadge(ctx, b); err != nil {
			return 0, fmt.Errorf("badge %d: %w", i, err)
		}
	}
	return u.ID, nil
}

// tilePNG draws a small, distinct badge picture.
func tilePNG(i int) ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, 96, 96))
	for y := range 96 {
		for x := range 96 {
			dx, dy := x-48, y-48
			if dx*dx+dy*dy < 44*44 {
				img.SetNRGBA(x, y, color.NRGBA{uint8(40 * i), uint8(x + y), uint8(200 - 20*i), 255})
			}
		}
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}

var (
	issuerNames = []string{"Riverside Community College", "Harbour Youth Makerspace", "Open Learning Collective", "Northgate Safety Training", "Millbrook Town Council"}
	subjects    = []string{"Web Accessibility", "Data Analysis", "First Aid", "Collaborative Problem Solving", "Public Speaking", "Python Programming", "Project Management", "Digital Citizenship", "Gardening", "Carpentry", "Spanish", "Statistics"}
	levels      = []string{"Foundations", "Practitioner", "Advanced", "Mentor"}
	tagPool     = []string{"accessibility", "data", "safety", "teamwork", "communication", "python", "leadership", "community", "languages", "maths", "crafts", "digital", "volunteering", "health", "science"}
)

const loremDescription = "the learner planned the work, carried it out with care, explained their choices to a reviewer and reflected on what they would do differently next time. The badge is recognised by partner organisations in the region."
