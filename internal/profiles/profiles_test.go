package profiles

import (
	"fmt"
	"testing"
)

var allModules = []Module{Archive, Reports, Financial}

// T3: the matrix cell by cell with every module on and the financial option on,
// written out again here so that a change to the table must be made twice.
func TestMatrixT3(t *testing.T) {
	const (
		yes = "all"
		own = "own"
		col = "collected"
		no  = ""
	)
	want := map[Capability][7]string{
		//                admin full  proc  p+arch feedb deliv collector
		Manage:          {yes, no, no, no, no, no, no},
		HandleDocuments: {yes, yes, yes, yes, no, own, col},
		SeeDocuments:    {yes, yes, yes, yes, yes, own, col},
		SeeArchive:      {yes, yes, no, yes, yes, no, no},
		SeeReports:      {yes, yes, no, no, yes, no, no},
		SeeFinancial:    {yes, yes, no, no, yes, no, no},
		SeePartners:     {yes, yes, yes, yes, yes, no, col},
		ManageSuppliers: {yes, yes, no, no, no, no, no},
		Member:          {yes, yes, yes, yes, yes, yes, col},
	}
	for c, row := range want {
		for i, p := range All {
			t.Run(fmt.Sprintf("%s/%s", c, p), func(t *testing.T) {
				reach, ok := Allows(Membership{Profile: p, Financial: true, Modules: allModules}, c)
				if got := string(reach); !ok && got != "" || ok && got == "" {
					t.Fatalf("inconsistent answer %q, %v", got, ok)
				}
				if string(reach) != row[i] {
					t.Fatalf("Allows = %q, want %q", reach, row[i])
				}
			})
		}
	}
	if len(want) != len(Capabilities) {
		t.Fatalf("test covers %d capabilities, table has %d", len(want), len(Capabilities))
	}
}

// T4: a module off removes the capability from every profile, even admin.
func TestModulesBoundT4(t *testing.T) {
	bounded := map[Capability]Module{SeeArchive: Archive, SeeReports: Reports, SeeFinancial: Financial}
	for c, mod := range bounded {
		for _, p := range All {
			var others []Module
			for _, m := range allModules {
				if m != mod {
					others = append(others, m)
				}
			}
			if _, ok := Allows(Membership{Profile: p, Financial: true, Modules: others}, c); ok {
				t.Errorf("%s holds %s without module %s", p, c, mod)
			}
		}
	}
	// Unbounded capabilities do not depend on modules.
	if _, ok := Allows(Membership{Profile: Admin}, Manage); !ok {
		t.Error("admin without modules must still manage")
	}
}

// The financial option: needed by full_access and feedback, irrelevant to admin.
func TestFinancialOption(t *testing.T) {
	cases := []struct {
		p      Profile
		option bool
		want   bool
	}{
		{Admin, false, true},
		{FullAccess, false, false},
		{FullAccess, true, true},
		{Feedback, false, false},
		{Feedback, true, true},
		{Processing, true, false},
		{Delivery, true, false},
		{Collector, true, false},
	}
	for _, c := range cases {
		_, ok := Allows(Membership{Profile: c.p, Financial: c.option, Modules: allModules}, SeeFinancial)
		if ok != c.want {
			t.Errorf("%s option=%v: financial = %v, want %v", c.p, c.option, ok, c.want)
		}
	}
}

func TestGrantsOrderAndContent(t *testing.T) {
	got := Grants(Membership{Profile: Delivery, Modules: allModules})
	want := []Grant{{Member, Everything}, {HandleDocuments, OwnUploads}, {SeeDocuments, OwnUploads}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Grants(delivery) = %v, want %v", got, want)
	}
	if g := Grants(Membership{Profile: "nobody"}); len(g) != 0 {
		t.Fatalf("an unknown profile holds %v", g)
	}
}

func TestValidAndHolders(t *testing.T) {
	if !Valid("processing_archive") || Valid("root") || Valid("") {
		t.Fatal("Valid")
	}
	if got := fmt.Sprint(Holders(Manage)); got != "[admin]" {
		t.Fatalf("Holders(manage) = %s", got)
	}
}

// S5: support staff read, bounded by modules, and never see bank details.
func TestSupportGrants(t *testing.T) {
	got := fmt.Sprint(SupportGrants([]Module{Archive, Financial}))
	want := fmt.Sprint([]Grant{{Member, Everything}, {SeeDocuments, Everything}, {SeeArchive, Everything}, {SeePartners, Everything}})
	if got != want {
		t.Fatalf("SupportGrants = %s, want %s", got, want)
	}
}

// T7: an adviser reaches only its assigned relationships; the rest of its
// profile is unchanged.
func TestAssignedVisibilityT7(t *testing.T) {
	m := Membership{Profile: FullAccess, Assigned: true, Modules: allModules}
	for c, want := range map[Capability]Reach{SeePartners: Assigned, ManageSuppliers: Assigned, SeeDocuments: Everything, Member: Everything} {
		if got, _ := Allows(m, c); got != want {
			t.Errorf("assigned %s = %q, want %q", c, got, want)
		}
	}
	if got, _ := Allows(Membership{Profile: Collector, Assigned: true}, SeePartners); got != Collected {
		t.Errorf("an assigned collector keeps its customer: %q", got)
	}
}
