import SiteConfig
import Testing

/// The site file's `aliases:`: other names for the JSON APIs' targets, `ess0` for `ess` by
/// default, every mistake located.
struct AliasDecodingTests {
    @Test func aliasesNameTargetsAndEss0NamesTheClusterByDefault() throws {
        let site = try SiteLoader.load(path: FixturePaths.fixture("sites/aliases.yaml")).get().site
        #expect(site.aliases == ["ctrlEvseSingle0": "evse1", "evcs0": "evcs"])
        #expect(site.targetAliases == ["ctrlEvseSingle0": "evse1", "evcs0": "evcs", "ess0": "ess"])
    }

    @Test func theDemoSiteHasOnlyTheDefault() throws {
        #expect(try SiteLoader.load(path: FixturePaths.site("demo.yaml")).get().site.targetAliases == ["ess0": "ess"])
    }

    @Test func everyMistakeIsLocated() {
        let report = BrokenSiteTests.report("sites/broken-aliases.yaml").filter { $0.hasPrefix("2:") }
        #expect(
            report == [
                #"2:11: error: aliases: found "ess1", which is already a target's name, expected a name of its own"#,
                #"2:30: error: meter0: found "grid", expected a target: ess, evcs, ess1, evse1"#,
                #"2:53: error: ctrlEvseSingle0: found "evse9", expected a target: ess, evcs, ess1, evse1"#,
                #"2:60: error: aliases: found "evcs", which is already a target's name, expected a name of its own"#,
            ], "\(report)")
    }
}
