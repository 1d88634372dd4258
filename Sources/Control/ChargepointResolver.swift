import Vocabulary

/// Resolves chargepoint commands, taken in order of precedence, into one aim and caps per
/// chargepoint, by the rules `EssResolver` follows for power:
/// - the first aim (ZERO, MINIMUM, FORCE, SURPLUS) on a chargepoint wins; later ones lose there;
/// - a LIMIT caps a chargepoint (or, on the cluster, the sum of the currents); a cap that
///   would cut the current an earlier aim asks for is dropped and names that aim. SURPLUS
///   asks for no fixed current, so a cap only narrows it.
///
/// Currents are multiples of each chargepoint's `currentStep`, rounded down (the minimum
/// rounded up), and are 0 or at least the minimum.
struct ChargepointResolver {
    /// What the commands ask of one chargepoint, each part with the rank of its command.
    struct Entry {
        var aim: (value: CurrentConstraint.Aim, rank: Int)?
        var cap: (value: Amperes, rank: Int)?
    }

    /// The online chargepoints, in snapshot order.
    let chargepoints: [DeviceSnapshot]
    private(set) var entries: [DeviceID: Entry]
    /// The cap on the sum of the currents, from a cluster LIMIT.
    private(set) var clusterCap: (value: Amperes, rank: Int)?
    /// The commands applied so far, by rank.
    private(set) var refs: [Int: CommandRef] = [:]
    /// The commands that lost, with their rank.
    private(set) var losses: [(rank: Int, loss: LostCommand)] = []

    init(chargepoints: [DeviceSnapshot]) {
        self.chargepoints = chargepoints
        entries = Dictionary(chargepoints.map { ($0.id, Entry()) }, uniquingKeysWith: { first, _ in first })
    }

    /// Applies the command `ref` of precedence `rank` (0 = highest). Its target must be the
    /// chargepoint cluster or an online chargepoint of this resolver.
    mutating func apply(_ ref: CommandRef, rank: Int, constraint: CurrentConstraint) {
        refs[rank] = ref
        let scope: [DeviceSnapshot] =
            switch ref.target {
            case .device(let id): chargepoints.filter { $0.id == id }
            default: chargepoints
            }
        switch (constraint, ref.target) {
        case (.cap(let cap), .device):
            guard let chargepoint = scope.first else { return }
            if let aim = entries[chargepoint.id]?.aim, fixedCurrent(of: chargepoint) > cap {
                return lose(ref, rank: rank, on: ref.target, .conflictsWith(refs[aim.rank]!))
            }
            if cap < entries[chargepoint.id]?.cap?.value ?? .infinity {
                entries[chargepoint.id]?.cap = (cap, rank)
            }
        case (.cap(let cap), _):
            let required = scope.filter { entries[$0.id]?.aim != nil }.map { ($0, fixedCurrent(of: $0)) }
            if required.reduce(0, { $0 + $1.1 }) > cap,
                let blamed = required.filter({ $0.1 > 0 }).compactMap({ entries[$0.0.id]?.aim?.rank }).min(),
                let winner = refs[blamed]
            {
                return lose(ref, rank: rank, on: ref.target, .conflictsWith(winner))
            }
            if cap < clusterCap?.value ?? .infinity { clusterCap = (cap, rank) }
        case (.aim(let aim), _):
            for chargepoint in scope {
                if let holder = entries[chargepoint.id]?.aim {
                    lose(ref, rank: rank, on: .device(chargepoint.id), .targetTakenBy(refs[holder.rank]!))
                } else {
                    entries[chargepoint.id]?.aim = (aim, rank)
                }
            }
        }
    }

    /// The current a chargepoint gets from its aim and its own cap, before any cluster cap,
    /// with `surplus` standing in for what SURPLUS yields (0 when only fixed aims count).
    func current(of chargepoint: DeviceSnapshot, surplus: Amperes = 0) -> Amperes {
        guard let telemetry = chargepoint.chargepoint else { return 0 }
        let minimum = telemetry.minimumCurrent
        let ceiling = ceiling(of: chargepoint)
        let wanted: Amperes =
            switch entries[chargepoint.id]?.aim?.value {
            case .off: 0
            case .minimum: minimum
            case .maximum, nil: ceiling
            case .surplus: surplus > 0 ? max(surplus, minimum) : 0
            case .current(let current): current > 0 ? max(current, minimum) : 0
            }
        let current = telemetry.roundedDown(min(wanted, ceiling))
        return current >= minimum ? current : 0
    }

    /// The most a chargepoint may take: its maximum within its own cap, rounded down to its step.
    func ceiling(of chargepoint: DeviceSnapshot) -> Amperes {
        guard let telemetry = chargepoint.chargepoint else { return 0 }
        return telemetry.roundedDown(min(telemetry.maxCurrent, entries[chargepoint.id]?.cap?.value ?? .infinity))
    }

    /// The most current each of `chargepoints` may still take from a command applied next: its
    /// ceiling (within a cluster cap), 0 where an earlier aim holds it.
    func ceilings(of chargepoints: [DeviceSnapshot]) -> [DeviceID: Amperes] {
        Dictionary(
            chargepoints.map { chargepoint in
                let free = entries[chargepoint.id]?.aim == nil
                return (chargepoint.id, free ? min(ceiling(of: chargepoint), clusterCap?.value ?? .infinity) : 0)
            }
        ) { first, _ in first }
    }

    /// The current an aim fixes, which a lower-precedence cap must leave alone.
    private func fixedCurrent(of chargepoint: DeviceSnapshot) -> Amperes {
        entries[chargepoint.id]?.aim?.value == .surplus ? 0 : current(of: chargepoint)
    }

    private mutating func lose(_ ref: CommandRef, rank: Int, on scope: Target, _ reason: LostCommand.Reason) {
        losses.append((rank, LostCommand(command: ref, scope: scope, reason: reason)))
    }
}
