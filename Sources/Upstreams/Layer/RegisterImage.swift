import GatewayState

/// A profile's whole table rendered from one snapshot and state: reads slice it, so a
/// snapshot is rendered once however many masters read it. Words no field covers read the
/// profile's gap word.
struct RegisterImage: Sendable {
    let words: [UInt16]

    init<Profile: RegisterProfile>(_ profile: Profile, snapshot: GatewaySnapshot, state: Profile.State) {
        var words = [UInt16](repeating: profile.policy.gapWord, count: profile.table.end)
        for field in profile.table.fields {
            let value: FieldValue? =
                switch field.access {
                case .reserved, .write: nil
                case .read, .readWrite: profile.value(of: field, snapshot: snapshot, state: state)
                }
            words.replaceSubrange(field.addresses, with: field.words(for: value))
        }
        self.words = words
    }

    /// `count` words from `address`; words past the table read `gap`.
    func slice(_ range: Range<Int>, gap: UInt16) -> [UInt16] {
        range.map { $0 < words.count ? words[$0] : gap }
    }
}
