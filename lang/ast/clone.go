package ast

import "reflect"

// Clone returns a deep copy of the subtree rooted at n. Positions are
// kept, so diagnostics in a copy point at the original source.
func Clone(n Node) Node { return CloneWith(n, nil) }

// CloneWith is Clone with substitutions: for every node of the original
// tree, subst may return a replacement (which is used as is) and true.
// A replacement is only used where the field's type can hold it.
func CloneWith(n Node, subst func(Node) (Node, bool)) Node {
	if n == nil {
		return nil
	}
	v := cloneValue(reflect.ValueOf(n), subst)
	out, _ := v.Interface().(Node)
	return out
}

var nodeType = reflect.TypeOf((*Node)(nil)).Elem()

func cloneValue(v reflect.Value, subst func(Node) (Node, bool)) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		if subst != nil && v.Type().Implements(nodeType) {
			if r, ok := subst(v.Interface().(Node)); ok {
				return reflect.ValueOf(r)
			}
		}
		if v.Elem().Kind() != reflect.Struct {
			return v
		}
		cp := reflect.New(v.Elem().Type())
		cp.Elem().Set(v.Elem())
		for i := 0; i < cp.Elem().NumField(); i++ {
			f := cp.Elem().Field(i)
			if !f.CanSet() {
				continue
			}
			nv := cloneValue(f, subst)
			if nv.IsValid() && nv.Type().AssignableTo(f.Type()) {
				f.Set(nv)
			} else if nv.IsValid() {
				f.Set(cloneValue(f, nil))
			}
		}
		return cp
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		inner := cloneValue(v.Elem(), subst)
		out := reflect.New(v.Type()).Elem()
		if inner.Type().AssignableTo(v.Type()) {
			out.Set(inner)
		} else {
			out.Set(cloneValue(v.Elem(), nil))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			nv := cloneValue(v.Index(i), subst)
			if nv.Type().AssignableTo(v.Type().Elem()) {
				cp.Index(i).Set(nv)
			} else {
				cp.Index(i).Set(cloneValue(v.Index(i), nil))
			}
		}
		return cp
	}
	return v
}
