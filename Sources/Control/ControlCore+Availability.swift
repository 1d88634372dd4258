public import Vocabulary

extension ControlCore {
    /// The modes `target` offers in `site`: those every online device it reaches can carry out
    /// (`DeviceSnapshot.canCarryOut`; AUTO always, for ESS targets). Empty without an online device.
    public static func modes(for target: Target, in site: SiteSnapshot) -> [ModeKind] {
        let devices = site.onlineDevices(of: target)
        guard let kind = devices.first?.kind else { return [] }
        let candidates = kind == .battery ? ModeKind.allEss : ModeKind.allChargepoint
        return candidates.filter { mode in
            mode == .ess(.auto) || devices.allSatisfy { $0.canCarryOut(mode) }
        }
    }

    /// The available modes of the clusters and of each device, each with the command of highest
    /// precedence that holds it; `inEffect` is in order of precedence.
    func availableModes(site: SiteSnapshot, inEffect: [ActiveCommand]) -> [TargetModes] {
        let targets = [Target.essCluster, .chargepointCluster] + site.devices.map { .device($0.id) }
        let holders = inEffect.filter { $0.command.origin != .fallback && $0.command.mode != .ess(.auto) }
        return targets.map { target in
            let reach: Set<Target> =
                switch target {
                case .device(let id):
                    [target, site.device(id)?.kind == .battery ? .essCluster : .chargepointCluster]
                default: [target]
                }
            return TargetModes(
                target: target, modes: Self.modes(for: target, in: site),
                heldBy: holders.first { reach.contains($0.command.target) })
        }
    }
}
