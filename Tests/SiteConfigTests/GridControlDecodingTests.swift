import SiteConfig
import Testing
import Vocabulary

/// The grid modes in a site file: as a source's fallback (the site's default mode), the
/// controller's gains under `grid_control:`, and a grid meter polled at its own interval.
struct GridControlDecodingTests {
    @Test func gridModesGainsAndAFasterMeterDecode() throws {
        let loaded = try SiteLoader.load(path: FixturePaths.fixture("sites/grid-control.yaml")).get()
        #expect(loaded.warnings.isEmpty)
        #expect(
            loaded.site.gridControl
                == GridControlSettings(proportional: 0.5, integral: 0.8, maxAge: .seconds(3), hold: .seconds(10)))
        #expect(loaded.site.device(id: "grid")?.pollInterval == .milliseconds(200))
        #expect(loaded.site.device(id: "ess1")?.pollInterval == nil)
        let fallbacks = Dictionary(uniqueKeysWithValues: loaded.site.sources.map { ($0.id, $0.fallbacks) })
        #expect(fallbacks["ems"] == [SourceFallback(.ess(.gridSetpoint), parameters: [.gridPower: 0])])
        #expect(fallbacks["peak"] == [SourceFallback(.ess(.gridLimit), parameters: [.maxImport: 20_000])])
    }

    @Test func theDefaultsAreTheMeasuredGains() throws {
        let loaded = try SiteLoader.load(path: FixturePaths.site("demo.yaml")).get()
        #expect(loaded.site.gridControl == GridControlSettings())
        #expect(GridControlSettings().proportional == 0.6 && GridControlSettings().integral == 1.0)
    }

    @Test func badGainsAnIntervalTooShortAndAMissingGridPowerAreLocatedErrors() throws {
        let report = BrokenSiteTests.report("sites/broken-grid-control.yaml")
        #expect(report.contains { $0.hasPrefix("2:") && $0.contains("p: found 12.0, expected a gain from 0 to 10") })
        #expect(report.contains { $0.hasPrefix("2:") && $0.contains("i: found -1.0, expected a gain from 0 to 10") })
        #expect(report.contains { $0.hasPrefix("2:") && $0.contains("hold") })
        #expect(report.contains { $0.hasPrefix("4:") && $0.contains("poll_interval") && $0.contains("at least 50 ms") })
        #expect(report.contains { $0.hasPrefix("6:") && $0.contains("GRID_SETPOINT") && $0.contains("gridPower") })
    }
}
