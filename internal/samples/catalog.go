package samples

import (
	"github.com/satchel-backpack/satchel/internal/badge"
)

// The issuers and achievements below are fictional. Web addresses use the
// reserved example.org domain.

var (
	riverside = issuer{
		slug:        "riverside-college",
		name:        "Riverside Community College",
		url:         "https://riverside-college.example.org",
		email:       "badges@riverside-college.example.org",
		description: "A community college offering evening and online courses in digital skills.",
	}
	inclusiveDesign = issuer{
		slug:        "inclusive-design-network",
		name:        "Inclusive Design Network",
		url:         "https://inclusive-design.example.org",
		description: "A volunteer network of accessibility practitioners.",
	}
	makerspace = issuer{
		slug:        "harbour-makerspace",
		name:        "Harbour Youth Makerspace",
		url:         "https://harbour-makerspace.example.org",
		email:       "hello@harbour-makerspace.example.org",
		description: "A community workshop where young people design and build things together.",
	}
	openLearning = issuer{
		slug:        "open-learning-collective",
		name:        "Open Learning Collective",
		url:         "https://open-learning.example.org",
		email:       "credentials@open-learning.example.org",
		description: "Free, self-paced courses taught by volunteers.",
	}
	northgate = issuer{
		slug:        "northgate-safety",
		name:        "Northgate Safety Training",
		url:         "https://northgate-safety.example.org",
		email:       "certificates@northgate-safety.example.org",
		description: "Workplace health and safety training.",
	}
	millbrook = issuer{
		slug:        "millbrook-council",
		name:        "Millbrook Town Council",
		url:         "https://millbrook.example.org",
		email:       "volunteering@millbrook.example.org",
		description: "The town council of Millbrook, which runs the community gardens.",
	}
)

var specs = []spec{
	{
		file:   "web-accessibility-fundamentals.png",
		format: badge.FormatPNG,
		issuer: riverside,
		achievement: achievement{
			slug:            "web-accessibility-fundamentals",
			name:            "Web Accessibility Fundamentals",
			description:     "Awarded for completing the twelve-week Web Accessibility Fundamentals course and auditing a real web page against WCAG 2.2.",
			achievementType: "Course",
			criteria: `To earn this badge, a learner:

1. Completes all **six modules**: semantic HTML, keyboard access, colour and contrast, forms, ARIA, and testing with assistive technology.
2. Audits a real web page against **WCAG 2.2 level AA** and reports at least five findings, each with a suggested fix.
3. Demonstrates the audited page to the tutor using *only* a keyboard and a screen reader.

The tutor assesses the audit report and the demonstration.`,
			caption: "A gold rosette with teal ribbons and a check mark in a rounded square.",
			tags:    []string{"accessibility", "WCAG", "web development", "inclusive design"},
			alignments: []alignment{
				{
					name:        "Web Content Accessibility Guidelines (WCAG) 2.2",
					url:         "https://www.w3.org/TR/WCAG22/",
					description: "The W3C recommendation for making web content accessible to people with disabilities.",
					framework:   "W3C Web Accessibility Initiative",
					targetType:  "ext:Standard",
				},
				{
					name:        "Accessible front-end development",
					url:         "https://riverside-college.example.org/skills/accessible-front-end",
					description: "Builds web interfaces that work with keyboards, screen readers and magnification.",
					framework:   "Riverside Digital Skills Framework",
					code:        "RDS-4.2",
					targetType:  "ceasn:Competency",
				},
			},
		},
		validFrom: date("2026-06-19T14:00:00Z"),
		evidence: []evidence{{
			name:        "Accessibility audit of a library catalogue page",
			description: "The learner's audit report of the search page of a public library catalogue.",
			narrative:   "Found seven WCAG 2.2 AA failures, including a search field without a label and focus lost after filtering; each with a tested fix.",
			genre:       "Report",
		}},
		endorsement: &endorsement{
			by:      inclusiveDesign,
			comment: "This course teaches accessibility testing with real assistive technology, not only automated checkers. We recommend it.",
			date:    date("2026-02-02T09:00:00Z"),
		},
		art: accessibilityArt,
	},
	{
		file:   "collaborative-problem-solving.svg",
		format: badge.FormatSVG,
		issuer: makerspace,
		achievement: achievement{
			slug:            "collaborative-problem-solving",
			name:            "Collaborative Problem Solving",
			description:     "Recognises a young maker who worked in a team to design, build and present a working prototype over a build weekend.",
			achievementType: "Competency",
			criteria: `Earned during a **build weekend** at the makerspace. The learner:

- works in a team of three to five to turn a brief from a local organisation into a working prototype;
- takes a turn leading at least one design decision and records the options the team weighed;
- presents the prototype with the team and answers questions from the organisation.

Mentors observe the teams throughout and agree the award together.`,
			caption: "Three overlapping circles in teal, coral and amber inside a dark hexagon.",
			tags:    []string{"teamwork", "design thinking", "prototyping", "communication"},
			alignments: []alignment{{
				name:        "Collaborative problem solving",
				url:         "https://harbour-makerspace.example.org/framework/collaboration",
				description: "Shares understanding, takes appropriate action and keeps the team organised to solve a problem together.",
				framework:   "Harbour Maker Skills",
				code:        "HMS-C3",
				targetType:  "ceasn:Competency",
			}},
		},
		validFrom: date("2026-04-12T17:30:00Z"),
		art:       func() ([]byte, error) { return []byte(collaborationSVG), nil },
	},
	{
		file:   "data-analysis-with-python.json",
		format: badge.FormatJSON,
		issuer: openLearning,
		achievement: achievement{
			slug:            "data-analysis-with-python",
			name:            "Introduction to Data Analysis with Python",
			description:     "Completed a self-paced introduction to cleaning, exploring and charting data with Python and pandas.",
			achievementType: "Course",
			criteria: "Complete the eight units of the course and submit a **final notebook** that:\n\n" +
				"1. loads a public data set and documents where it came from;\n" +
				"2. cleans it (missing values, types, duplicates) and explains each step;\n" +
				"3. answers two questions about the data with summary statistics and at least one chart.\n\n" +
				"Notebooks are reviewed by two volunteer mentors against the published `rubric.md`.",
			caption: "A bar chart with four bars and a rising white trend line on a dark blue tile.",
			tags:    []string{"python", "data analysis", "pandas", "statistics"},
			alignments: []alignment{{
				name:        "Data analysis",
				url:         "https://open-learning.example.org/skills/data-analysis",
				description: "Inspects, cleans and summarises data to answer questions.",
				framework:   "Open Learning Skills Map",
				targetType:  "ceasn:Competency",
			}},
		},
		validFrom: date("2025-12-05T10:15:00Z"),
		art:       func() ([]byte, error) { return []byte(dataAnalysisSVG), nil },
	},
	{
		file:   "first-aid-at-work-expired.png",
		format: badge.FormatPNG,
		issuer: northgate,
		achievement: achievement{
			slug:            "first-aid-at-work",
			name:            "First Aid at Work",
			description:     "Certifies that the holder completed a three-day first aid at work course. The certificate is valid for three years.",
			achievementType: "Certification",
			criteria: `The holder attended all **three days** of the course and passed:

- a practical assessment of CPR, use of a defibrillator and the recovery position;
- a written assessment on managing injuries and illness at work.

Holders must **requalify every three years**.`,
			caption: "A green shield with a white cross.",
			tags:    []string{"first aid", "health and safety", "CPR"},
			alignments: []alignment{{
				name:        "Workplace first aid",
				url:         "https://northgate-safety.example.org/standards/workplace-first-aid",
				description: "Gives emergency first aid to someone who is injured or becomes ill at work.",
				framework:   "Northgate Occupational Standards",
				code:        "NOS-FA1",
				targetType:  "ceasn:Competency",
			}},
		},
		validFrom:  date("2022-10-03T16:00:00Z"),
		validUntil: date("2025-10-02T23:59:59Z"),
		art:        firstAidArt,
	},
	{
		file:   "community-garden-volunteer.svg",
		format: badge.FormatSVG,
		issuer: millbrook,
		achievement: achievement{
			slug:            "community-garden-volunteer",
			name:            "Community Garden Volunteer",
			description:     "Thanks a volunteer who gave forty hours or more to Millbrook's community gardens in one growing season.",
			achievementType: "CommunityService",
			criteria: `Volunteer for **at least 40 hours** between March and October, logged with the garden coordinator.

Volunteering can include planting, watering rotas, running a harvest stall or showing new volunteers around.`,
			caption: "A green seedling under a yellow sun, in a round frame.",
			tags:    []string{"volunteering", "gardening", "community"},
		},
		validFrom: date("2026-09-27T12:00:00Z"),
		art:       func() ([]byte, error) { return []byte(gardenSVG), nil },
	},
}
