import Modbus
public import SiteConfig

extension SiteProfiles {
    /// `upstream` with its access policy's writable registers set from its `writable:` groups
    /// over the table its profile serves for `site`. A name the table does not have opens
    /// nothing (`busbar check` reports it), so a mistyped group never makes a write possible.
    public static func applyingWritable(_ upstream: UpstreamConfig, of site: LoadedSite) -> UpstreamConfig {
        guard let names = upstream.writable else { return upstream }
        let wanted = Set(names.map(\.name))
        var result = upstream
        result.access.writable = writableGroups(of: upstream.profile, in: site).filter { wanted.contains($0.name) }
            .flatMap(\.registers)
        return result
    }

    /// Each `writable:` name that is not a writable group of its upstream's profile, at its
    /// location, with the names that are.
    public static func writableProblems(for site: LoadedSite) -> [Diagnostic] {
        site.site.upstreams.flatMap { upstream -> [Diagnostic] in
            guard let names = upstream.writable else { return [] }
            let valid = writableGroups(of: upstream.profile, in: site).map(\.name)
            return names.filter { !valid.contains($0.name) }.map { group in
                Diagnostic(
                    file: group.location.file, line: group.location.line, column: group.location.column,
                    message:
                        "writable: found \"\(group.name)\", expected a writable group of the \(upstream.profile.rawValue) profile: \(valid.joined(separator: ", "))"
                )
            }
        }
    }

    private static func writableGroups(
        of profile: UpstreamConfig.Profile, in site: LoadedSite
    ) -> [(name: String, registers: [Range<Int>])] {
        switch profile {
        case .native: NativeRegisterMap(site: site).table.writableGroups
        case .openems:
            OpenEMSTable(layout: OpenEMSProfile.layout(for: site.site, maps: site.maps)).fields.writableGroups
        case .sunspec: SunSpecTable(site: site.site, maps: site.maps).fields.writableGroups
        }
    }
}
