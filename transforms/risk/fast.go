package risk

import (
	"reflect"
	"strings"
	"unsafe"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Most rule conditions are a fact or two joined by logic and comparisons
// ("seal_missing", "hist.lane.exams > 0", "wpm_prone && wpm_origin"). expr runs them
// correctly but reaches every field through reflection; at a million records a day
// that is most of the cost. compileFast turns that subset of the language (facts,
// literals, ! - && || and or == != < <= > >= + - * /) into Go closures that read the
// facts directly; anything else stays on the expr VM. Both paths are checked against
// each other in fast_test.go.

type fastKind uint8

const (
	fastBool fastKind = iota + 1
	fastNum
	fastStr
)

type fastVal struct {
	kind fastKind
	b    bool
	n    float64
	s    string
}

type fastFn func(f *Facts) fastVal

// factField is a fact's location inside Facts.
type factField struct {
	off  uintptr
	kind reflect.Kind
}

// factFields maps an expr path ("hist.lane.exams") to its field.
var factFields = func() map[string]factField {
	m := map[string]factField{}
	var walk func(t reflect.Type, prefix string, base uintptr)
	walk = func(t reflect.Type, prefix string, base uintptr) {
		for i := range t.NumField() {
			sf := t.Field(i)
			name := sf.Tag.Get("expr")
			if name == "" || name == "-" {
				continue
			}
			switch sf.Type.Kind() {
			case reflect.Struct:
				walk(sf.Type, prefix+name+".", base+sf.Offset)
			case reflect.Bool, reflect.Float64, reflect.String, reflect.Int:
				m[prefix+name] = factField{off: base + sf.Offset, kind: sf.Type.Kind()}
			}
		}
	}
	walk(reflect.TypeFor[Facts](), "", 0)
	return m
}()

// compileFast returns a closure for src, or false when src is outside the subset.
func compileFast(src string) (fastFn, bool) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, false
	}
	fn, _, ok := fastNode(tree.Node)
	return fn, ok
}

// path returns "a.b.c" for an identifier or a chain of property accesses.
func path(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return n.Value, true
	case *ast.MemberNode:
		if n.Optional {
			return "", false
		}
		prop, ok := n.Property.(*ast.StringNode)
		if !ok {
			return "", false
		}
		p, ok := path(n.Node)
		return p + "." + prop.Value, ok
	}
	return "", false
}

func fastNode(n ast.Node) (fastFn, fastKind, bool) {
	switch n := n.(type) {
	case *ast.BoolNode:
		v := fastVal{kind: fastBool, b: n.Value}
		return func(*Facts) fastVal { return v }, fastBool, true
	case *ast.IntegerNode:
		v := fastVal{kind: fastNum, n: float64(n.Value)}
		return func(*Facts) fastVal { return v }, fastNum, true
	case *ast.FloatNode:
		v := fastVal{kind: fastNum, n: n.Value}
		return func(*Facts) fastVal { return v }, fastNum, true
	case *ast.StringNode:
		v := fastVal{kind: fastStr, s: n.Value}
		return func(*Facts) fastVal { return v }, fastStr, true
	case *ast.IdentifierNode, *ast.MemberNode:
		p, ok := path(n)
		if !ok {
			return nil, 0, false
		}
		fd, ok := factFields[p]
		if !ok {
			return nil, 0, false
		}
		off := fd.off
		switch fd.kind {
		case reflect.Bool:
			return func(f *Facts) fastVal {
				return fastVal{kind: fastBool, b: *(*bool)(unsafe.Add(unsafe.Pointer(f), off))}
			}, fastBool, true
		case reflect.Float64:
			return func(f *Facts) fastVal {
				return fastVal{kind: fastNum, n: *(*float64)(unsafe.Add(unsafe.Pointer(f), off))}
			}, fastNum, true
		case reflect.Int:
			return func(f *Facts) fastVal {
				return fastVal{kind: fastNum, n: float64(*(*int)(unsafe.Add(unsafe.Pointer(f), off)))}
			}, fastNum, true
		case reflect.String:
			return func(f *Facts) fastVal {
				return fastVal{kind: fastStr, s: *(*string)(unsafe.Add(unsafe.Pointer(f), off))}
			}, fastStr, true
		}
		return nil, 0, false
	case *ast.UnaryNode:
		x, k, ok := fastNode(n.Node)
		if !ok {
			return nil, 0, false
		}
		switch {
		case (n.Operator == "!" || n.Operator == "not") && k == fastBool:
			return func(f *Facts) fastVal { return fastVal{kind: fastBool, b: !x(f).b} }, fastBool, true
		case n.Operator == "-" && k == fastNum:
			return func(f *Facts) fastVal { return fastVal{kind: fastNum, n: -x(f).n} }, fastNum, true
		case n.Operator == "+" && k == fastNum:
			return x, fastNum, true
		}
		return nil, 0, false
	case *ast.BinaryNode:
		l, lk, ok1 := fastNode(n.Left)
		r, rk, ok2 := fastNode(n.Right)
		if !ok1 || !ok2 {
			return nil, 0, false
		}
		op := strings.TrimSpace(n.Operator)
		switch {
		case (op == "&&" || op == "and") && lk == fastBool && rk == fastBool:
			return func(f *Facts) fastVal { return fastVal{kind: fastBool, b: l(f).b && r(f).b} }, fastBool, true
		case (op == "||" || op == "or") && lk == fastBool && rk == fastBool:
			return func(f *Facts) fastVal { return fastVal{kind: fastBool, b: l(f).b || r(f).b} }, fastBool, true
		case (op == "==" || op == "!=") && lk == rk:
			neg := op == "!="
			switch lk {
			case fastBool:
				return func(f *Facts) fastVal { return fastVal{kind: fastBool, b: (l(f).b == r(f).b) != neg} }, fastBool, true
			case fastNum:
				return func(f *Facts) fastVal { return fastVal{kind: fastBool, b: (l(f).n == r(f).n) != neg} }, fastBool, true
			case fastStr:
				return func(f *Facts) fastVal { return fastVal{kind: fastBool, b: (l(f).s == r(f).s) != neg} }, fastBool, true
			}
		case lk == fastNum && rk == fastNum:
			switch op {
			case "<":
				return func(f *Facts) fastVal { return fastVal{kind: fastBool, b: l(f).n < r(f).n} }, fastBool, true
			case "<=":
				return func(f *Facts) fastVal { return fastVal{kind: fastBool, b: l(f).n <= r(f).n} }, fastBool, true
			case ">":
				return func(f *Facts) fastVal { return fastVal{kind: fastBool, b: l(f).n > r(f).n} }, fastBool, true
			case ">=":
				return func(f *Facts) fastVal { return fastVal{kind: fastBool, b: l(f).n >= r(f).n} }, fastBool, true
			case "+":
				return func(f *Facts) fastVal { return fastVal{kind: fastNum, n: l(f).n + r(f).n} }, fastNum, true
			case "-":
				return func(f *Facts) fastVal { return fastVal{kind: fastNum, n: l(f).n - r(f).n} }, fastNum, true
			case "*":
				return func(f *Facts) fastVal { return fastVal{kind: fastNum, n: l(f).n * r(f).n} }, fastNum, true
			case "/":
				return func(f *Facts) fastVal { return fastVal{kind: fastNum, n: l(f).n / r(f).n} }, fastNum, true
			}
		}
	}
	return nil, 0, false
}
