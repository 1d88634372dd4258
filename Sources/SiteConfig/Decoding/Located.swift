/// A decoded value and where it was written, for checks that come after decoding.
struct Located<Value> {
    var value: Value
    var location: SourceLocation
}
