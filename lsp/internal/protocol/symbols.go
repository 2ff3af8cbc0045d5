package protocol

import "strconv"

// DocumentSymbol is one node of a document's outline, in the result of
// textDocument/documentSymbol for clients with
// hierarchicalDocumentSymbolSupport.
type DocumentSymbol struct {
	Name string `json:"name"`
	// Detail is shown next to the name (a signature, a type).
	Detail string     `json:"detail,omitempty"`
	Kind   SymbolKind `json:"kind"`
	// Range is the whole construct, comments and body included;
	// SelectionRange, inside it, the part to select when the symbol is
	// picked (its name).
	Range          Range            `json:"range"`
	SelectionRange Range            `json:"selectionRange"`
	Children       []DocumentSymbol `json:"children,omitempty"`
}

// SymbolInformation is a symbol in the flat form of
// textDocument/documentSymbol's result, for clients without hierarchical
// symbols.
type SymbolInformation struct {
	Name     string     `json:"name"`
	Kind     SymbolKind `json:"kind"`
	Location Location   `json:"location"`
	// ContainerName names the symbol that contains this one.
	ContainerName string `json:"containerName,omitempty"`
}

// SymbolKind is what a symbol is, which the client shows with an icon.
type SymbolKind int32

// The symbol kinds.
const (
	SymbolKindFile          SymbolKind = 1
	SymbolKindModule        SymbolKind = 2
	SymbolKindNamespace     SymbolKind = 3
	SymbolKindPackage       SymbolKind = 4
	SymbolKindClass         SymbolKind = 5
	SymbolKindMethod        SymbolKind = 6
	SymbolKindProperty      SymbolKind = 7
	SymbolKindField         SymbolKind = 8
	SymbolKindConstructor   SymbolKind = 9
	SymbolKindEnum          SymbolKind = 10
	SymbolKindInterface     SymbolKind = 11
	SymbolKindFunction      SymbolKind = 12
	SymbolKindVariable      SymbolKind = 13
	SymbolKindConstant      SymbolKind = 14
	SymbolKindString        SymbolKind = 15
	SymbolKindNumber        SymbolKind = 16
	SymbolKindBoolean       SymbolKind = 17
	SymbolKindArray         SymbolKind = 18
	SymbolKindObject        SymbolKind = 19
	SymbolKindKey           SymbolKind = 20
	SymbolKindNull          SymbolKind = 21
	SymbolKindEnumMember    SymbolKind = 22
	SymbolKindStruct        SymbolKind = 23
	SymbolKindEvent         SymbolKind = 24
	SymbolKindOperator      SymbolKind = 25
	SymbolKindTypeParameter SymbolKind = 26
)

// symbolKindNames are the specification's names of the symbol kinds, by
// value.
var symbolKindNames = [...]string{
	SymbolKindFile:          "File",
	SymbolKindModule:        "Module",
	SymbolKindNamespace:     "Namespace",
	SymbolKindPackage:       "Package",
	SymbolKindClass:         "Class",
	SymbolKindMethod:        "Method",
	SymbolKindProperty:      "Property",
	SymbolKindField:         "Field",
	SymbolKindConstructor:   "Constructor",
	SymbolKindEnum:          "Enum",
	SymbolKindInterface:     "Interface",
	SymbolKindFunction:      "Function",
	SymbolKindVariable:      "Variable",
	SymbolKindConstant:      "Constant",
	SymbolKindString:        "String",
	SymbolKindNumber:        "Number",
	SymbolKindBoolean:       "Boolean",
	SymbolKindArray:         "Array",
	SymbolKindObject:        "Object",
	SymbolKindKey:           "Key",
	SymbolKindNull:          "Null",
	SymbolKindEnumMember:    "EnumMember",
	SymbolKindStruct:        "Struct",
	SymbolKindEvent:         "Event",
	SymbolKindOperator:      "Operator",
	SymbolKindTypeParameter: "TypeParameter",
}

// String returns the specification's name of the kind ("Function"), or
// the number of a kind it does not define.
func (k SymbolKind) String() string {
	if k > 0 && int(k) < len(symbolKindNames) {
		return symbolKindNames[k]
	}
	return "SymbolKind(" + strconv.Itoa(int(k)) + ")"
}
