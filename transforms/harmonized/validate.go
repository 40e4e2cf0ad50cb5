package harmonized

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Flag codes. They are stable: downstream rules and reports match on them.
const (
	FlagKeyMissing         = "bill_key_missing"
	FlagSCAC               = "scac_invalid"
	FlagIMO                = "imo_invalid"
	FlagCountry            = "country_invalid"
	FlagLOCODE             = "unlocode_invalid"
	FlagScheduleD          = "schedule_d_invalid"
	FlagScheduleK          = "schedule_k_invalid"
	FlagPartyMissing       = "party_missing"
	FlagPartyName          = "party_name_missing"
	FlagHS                 = "hs_invalid"
	FlagHSMissing          = "hs_missing"
	FlagUnit               = "unit_unknown"
	FlagWeight             = "weight_invalid"
	FlagWeightMismatch     = "weight_mismatch"
	FlagUNNumber           = "un_number_invalid"
	FlagContainerCheck     = "container_check_digit"
	FlagContainerFormat    = "container_format"
	FlagContainerDuplicate = "container_duplicate"
	FlagSizeType           = "size_type_invalid"
	FlagSeal               = "seal_invalid"
	FlagSealMissing        = "seal_missing"
	FlagSealClass          = "seal_class_invalid"
	FlagDate               = "date_invalid"
	FlagDateOrder          = "date_order"
	FlagNoEquipment        = "equipment_missing"
	FlagNoGoods            = "goods_missing"
	FlagNumber             = "number_invalid"
	FlagUnmapped           = "unmapped_value"
	FlagStructure          = "structure"
)

// Validate checks every identifier, code and quantity in the record and returns what it
// doubts as flags. It changes nothing and never fails: the caller keeps the record and
// its flags (see Check). Mapper-level flags (a date that would not parse, an unknown unit)
// are added by the mappers themselves, since by then only the raw value is left.
func (r *Record) Validate() []Flag {
	v := validator{}
	if r.Key == "" {
		v.add(FlagKeyMissing, "key", "the bill has no number, so versions cannot be matched")
	}
	if s := r.Bill.IssuerSCAC; s != "" {
		v.err(FlagSCAC, "bill.issuer_scac", CheckSCAC(s))
	}
	v.weight("bill.weight", r.Bill.Weight)
	v.volume("bill.volume", r.Bill.Volume)
	c := &r.Conveyance
	if c.CarrierSCAC != "" {
		v.err(FlagSCAC, "conveyance.carrier_scac", CheckSCAC(c.CarrierSCAC))
	}
	if c.RailCarrierSCAC != "" {
		v.err(FlagSCAC, "conveyance.rail_carrier_scac", CheckSCAC(c.RailCarrierSCAC))
	}
	if c.IMO != "" {
		v.err(FlagIMO, "conveyance.imo", CheckIMO(c.IMO))
	}
	if c.VesselFlag != "" {
		v.country("conveyance.vessel_flag", c.VesselFlag)
	}
	it := &r.Itinerary
	v.location("itinerary.place_of_receipt", it.PlaceOfReceipt)
	v.location("itinerary.port_of_loading", it.PortOfLoading)
	for i := range it.Transshipment {
		v.at("itinerary.transshipment", i)
		v.location("", &it.Transshipment[i])
	}
	v.at("", 0)
	v.location("itinerary.port_of_discharge", it.PortOfDischarge)
	v.location("itinerary.place_of_delivery", it.PlaceOfDelivery)
	v.location("itinerary.final_destination", it.FinalDestination)
	v.location("itinerary.port_of_arrival", it.PortOfArrival)
	if it.Departure != nil && it.Arrival != nil && it.Arrival.Time.Before(it.Departure.Time) {
		v.add(FlagDateOrder, "itinerary.arrival", "arrival %s is before departure %s", it.Arrival.Raw, it.Departure.Raw)
	}
	if r.Filing.Type != FilingDelete {
		for _, role := range []Role{RoleShipper, RoleConsignee} {
			if r.Party(role) == nil {
				v.add(FlagPartyMissing, "parties", "no %s is named", role)
			}
		}
		if len(r.Goods) == 0 {
			v.add(FlagNoGoods, "goods", "the bill declares no goods")
		}
		if len(r.Equipment) == 0 && r.Conveyance.TransportMethod == "O" {
			v.add(FlagNoEquipment, "equipment", "a containerised ocean bill (transport method O) lists no container")
		}
	}
	for i := range r.Parties {
		p := &r.Parties[i]
		v.at("parties", i)
		if strings.TrimSpace(p.Name) == "" && len(p.Identifiers) == 0 && p.Role != RoleFinalDestination {
			v.add(FlagPartyName, ".name", "the %s has neither a name nor an identifier", p.Role)
		}
		if p.Country != "" {
			v.country(".country", p.Country)
		}
	}
	v.at("", 0)
	var goodsKG float64
	goodsWeighed := true
	for i := range r.Goods {
		g := &r.Goods[i]
		v.at("goods", i)
		if g.HSOriginal != "" {
			if _, _, err := NormalizeHS(g.HSOriginal); err != nil {
				v.add(FlagHS, ".hs_original", "%v", err)
			}
		} else if r.Filing.Type != FilingDelete {
			v.add(FlagHSMissing, ".hs_original", "goods item %d has no HS code", g.Line)
		}
		v.weight(".weight", g.Weight)
		v.weight(".net_weight", g.NetWeight)
		v.volume(".volume", g.Volume)
		if g.Weight != nil {
			goodsKG += g.Weight.KG
		} else {
			goodsWeighed = false
		}
		if g.OriginCountry != "" {
			v.country(".origin_country", g.OriginCountry)
		}
		for j, h := range g.Hazmat {
			if len(h.UNNumber) != 4 || !allDigits(h.UNNumber) {
				v.sub, v.j = "hazmat", j
				v.add(FlagUNNumber, ".un_number", "UN number %q is not 4 digits", h.UNNumber)
				v.sub = ""
			}
		}
		for _, cn := range g.Containers {
			if r.Container(cn) == nil {
				v.add(FlagStructure, ".containers", "goods item refers to container %s, which the bill does not list", cn)
			}
		}
	}
	v.at("", 0)
	if bw := r.Bill.Weight; bw != nil && bw.KG > 0 && goodsWeighed && len(r.Goods) > 0 && math.Abs(goodsKG-bw.KG) > 0.01*bw.KG+1 {
		v.add(FlagWeightMismatch, "bill.weight", "bill weight %.3f kg differs from the goods' total %.3f kg", bw.KG, goodsKG)
	}
	for i := range r.Equipment {
		e := &r.Equipment[i]
		v.at("equipment", i)
		for j := 0; j < i; j++ {
			if r.Equipment[j].Number == e.Number {
				v.add(FlagContainerDuplicate, ".number", "container %s is listed twice (also equipment[%d])", e.Number, j)
				break
			}
		}
		if e.Check == CheckInvalid {
			if err := CheckContainer(e.Number); err != nil && strings.Contains(err.Error(), ErrContainerCheckDigit.Error()) {
				v.add(FlagContainerCheck, ".number", "%v", err)
			} else if err != nil {
				v.add(FlagContainerFormat, ".number", "%v", err)
			} else {
				v.add(FlagContainerFormat, ".number", "container %q (raw %q) could not be read as ISO 6346", e.Number, e.Raw)
			}
		}
		if e.SizeType != "" {
			v.err(FlagSizeType, ".size_type", CheckSizeType(e.SizeType))
		}
		v.weight(".gross_weight", e.GrossWeight)
		if e.Status == StatusFull && len(e.Seals) == 0 && e.Check != CheckNotApplicable {
			v.add(FlagSealMissing, ".seals", "loaded container %s has no seal", e.Number)
		}
		for j, s := range e.Seals {
			v.sub, v.j = "seals", j
			v.err(FlagSeal, ".number", CheckSeal(s.Number))
			if s.Class != "" && SealClass(s.Class) != s.Class {
				v.add(FlagSealClass, ".class", "seal class %q is not I, S or H", s.Class)
			}
			v.sub = ""
		}
	}
	for i := range r.Events {
		if r.Events[i].Location != nil {
			v.at("events", i)
			v.location(".location", r.Events[i].Location)
		}
	}
	return v.flags
}

// Check appends the flags of Validate to r.Flags (skipping ones already there) and
// determines r.InTransit when it is still unknown. Mappers call it last.
func (r *Record) Check() *Record {
	if r.InTransit.Status == "" || r.InTransit.Status == TransitUnknown {
		r.InTransit = DetermineInTransit(r)
	}
	for _, f := range r.Validate() {
		r.AddFlag(f.Code, f.Field, "%s", f.Message)
	}
	return r
}

// validator collects flags. Inside a list it holds the element's path (pre[i], and
// sub[j] for a nested list) and builds a field's full path only when a flag is raised:
// fields starting with "." are relative to it.
type validator struct {
	flags []Flag
	pre   string
	i     int
	sub   string
	j     int
}

// at sets the list element that relative fields belong to; at("", 0) leaves lists.
func (v *validator) at(pre string, i int) { v.pre, v.i, v.sub = pre, i, "" }

func (v *validator) field(f string) string {
	if v.pre == "" || !strings.HasPrefix(f, ".") && f != "" {
		return f
	}
	p := v.pre + "[" + strconv.Itoa(v.i) + "]"
	if v.sub != "" {
		p += "." + v.sub + "[" + strconv.Itoa(v.j) + "]"
	}
	return p + f
}

func (v *validator) add(code, field, format string, args ...any) {
	v.flags = append(v.flags, Flag{Code: code, Field: v.field(field), Message: fmt.Sprintf(format, args...)})
}

func (v *validator) err(code, field string, err error) {
	if err != nil {
		v.add(code, field, "%v", err)
	}
}

func (v *validator) country(field, c string) {
	if _, err := Country(c); err != nil {
		v.add(FlagCountry, field, "%v", err)
	}
}

func (v *validator) weight(field string, w *Weight) {
	if w == nil {
		return
	}
	if w.Value < 0 || math.IsNaN(w.Value) || math.IsInf(w.Value, 0) {
		v.add(FlagWeight, field, "weight %v %s is negative or not a number", w.Value, w.Unit)
	}
	if _, err := ToKG(1, w.Unit); err != nil {
		v.add(FlagUnit, field+".unit", "%v", err)
	}
}

func (v *validator) volume(field string, vol *Volume) {
	if vol == nil {
		return
	}
	if vol.Value < 0 || math.IsNaN(vol.Value) || math.IsInf(vol.Value, 0) {
		v.add(FlagNumber, field, "volume %v %s is negative or not a number", vol.Value, vol.Unit)
	}
	if _, err := ToM3(1, vol.Unit); err != nil {
		v.add(FlagUnit, field+".unit", "%v", err)
	}
}

func (v *validator) location(field string, l *Location) {
	if l.IsZero() {
		return
	}
	if l.UNLOCODE != "" {
		v.err(FlagLOCODE, field+".unlocode", CheckLOCODE(l.UNLOCODE))
	}
	if l.ScheduleD != "" && (len(l.ScheduleD) != 4 || !allDigits(l.ScheduleD)) {
		v.add(FlagScheduleD, field+".schedule_d", "Schedule D port %q is not 4 digits", l.ScheduleD)
	}
	if l.ScheduleK != "" && (len(l.ScheduleK) != 5 || !allDigits(l.ScheduleK)) {
		v.add(FlagScheduleK, field+".schedule_k", "Schedule K port %q is not 5 digits", l.ScheduleK)
	}
	if l.Country != "" {
		v.country(field+".country", l.Country)
	}
}

// LocationCountry returns the ISO alpha-2 country a location is in, as far as its codes
// say: the UN/LOCODE prefix, its Country, or "US" for a Schedule D port or FIRMS code.
func LocationCountry(l *Location) string {
	switch {
	case l.IsZero():
		return ""
	case len(l.UNLOCODE) == 5:
		return l.UNLOCODE[:2]
	case l.Country != "":
		if c, err := Country(l.Country); err == nil {
			return c
		}
	case l.ScheduleD != "" || l.FIRMS != "":
		return "US"
	}
	return ""
}

// DetermineInTransit decides whether the bill's cargo arrives in one country and is
// destined to another (for ICSS: discharged in Canada, destined to the United States,
// or the reverse). The arrival country comes from the port of arrival or discharge (for
// rail and road manifests, from the port of discharge or the place of receipt first,
// since their port of arrival is the border crossing); the destination from the final
// destination, place of delivery, an in-bond destination or, failing those, the
// consignee's country. Basis names the fields used.
func DetermineInTransit(r *Record) InTransit {
	it := &r.Itinerary
	var arr, arrBy string
	type cand struct {
		name string
		l    *Location
	}
	// The names are whole field paths, not joined to "itinerary." when used: that cost
	// an allocation per record.
	arrivals := []cand{{"itinerary.port_of_arrival", it.PortOfArrival}, {"itinerary.port_of_discharge", it.PortOfDischarge}}
	if r.Conveyance.Mode == ModeRail || r.Conveyance.Mode == ModeRoad {
		// A land manifest's port of arrival is the border crossing; the cargo arrived in
		// the country where the vessel discharged it, where the land leg begins.
		arrivals = []cand{{"itinerary.port_of_discharge", it.PortOfDischarge}, {"itinerary.place_of_receipt", it.PlaceOfReceipt}, {"itinerary.port_of_arrival", it.PortOfArrival}}
	}
	for _, c := range arrivals {
		if cc := LocationCountry(c.l); cc != "" {
			arr, arrBy = cc, c.name
			break
		}
	}
	var dst, dstBy string
	for _, c := range []struct {
		name string
		l    *Location
	}{{"itinerary.final_destination", it.FinalDestination}, {"itinerary.place_of_delivery", it.PlaceOfDelivery}} {
		if cc := LocationCountry(c.l); cc != "" {
			dst, dstBy = cc, c.name
			break
		}
	}
	if dst == "" {
		for _, b := range r.InBond {
			if b.Destination != "" {
				dst, dstBy = "US", "in_bond.destination"
				break
			}
		}
	}
	if dst == "" {
		if p := r.Party(RoleConsignee); p != nil && p.Country != "" {
			if cc, err := Country(p.Country); err == nil {
				dst, dstBy = cc, "consignee.country"
			}
		}
	}
	out := InTransit{Status: TransitUnknown, ArrivalCountry: arr, DestinationCountry: dst}
	switch {
	case arr == "" || dst == "":
		missing := "arrival"
		if arr != "" {
			missing = "destination"
		}
		out.Basis = "no " + missing + " country is known"
	case arr == dst:
		out.Status = TransitDomestic
		out.Basis = arrBy + " and " + dstBy + " are both in " + arr
	default:
		out.Status = TransitYes
		out.Basis = arrBy + " is in " + arr + ", " + dstBy + " in " + dst
	}
	return out
}
