public import SiteConfig

/// The upstream profiles of a loaded site, checked: what `busbar check` adds to the site
/// file's own diagnostics.
public enum SiteProfiles {
    /// The problems of the tables the site's upstreams serve (the native map is always
    /// checked: `busbar map` documents it for every site).
    public static func problems(for site: LoadedSite) -> [(profile: UpstreamConfig.Profile, problem: TableProblem)] {
        var profiles = Set(site.site.upstreams.map(\.profile))
        profiles.insert(.native)
        var problems: [(UpstreamConfig.Profile, TableProblem)] = []
        for profile in UpstreamConfig.Profile.allCases where profiles.contains(profile) {
            let found: [TableProblem] =
                switch profile {
                case .native: NativeRegisterMap(site: site).table.validate()
                case .openems:
                    OpenEMSTable(layout: OpenEMSProfile.layout(for: site.site, maps: site.maps)).fields.validate()
                case .sunspec: SunSpecTable(site: site.site, maps: site.maps).fields.validate()
                }
            problems += found.map { (profile, $0) }
        }
        return problems
    }
}
