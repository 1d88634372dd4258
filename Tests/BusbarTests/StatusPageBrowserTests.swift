import Foundation
import TestSupport
import Testing

/// The demo's status page as a browser renders it: `scripts/screenshot` runs the demo, lets
/// headless Chromium (Debian's `chromium`, installed by scripts/setup) load `/` and run its
/// script against the live API, and saves the rendered DOM and a screenshot.
@Suite(.serialized)
struct StatusPageBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/local/bin/chromium"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed: scripts/setup installs Debian's chromium"))
    func theDemosPageShowsEveryDeviceAndAChartWithDataInChromium() throws {
        let folder = try temporaryFolder("status-page")
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = folder.appendingPathComponent("status-page.png")
        let dom = folder.appendingPathComponent("status-page.html")
        let run = try runCommand(
            "/usr/bin/env",
            [
                "BUSBAR_BIN=\(Paths.busbar)", Paths.root.appendingPathComponent("scripts/screenshot").path, png.path,
                "--dom", dom.path, "--wait", "0",
            ], timeout: .seconds(120))
        try #require(run.status == 0, "\(run.output)\(run.errorOutput)")
        let html = try String(contentsOf: dom, encoding: .utf8)

        // The script ran and drew the live status: the login form stays hidden, the site is named.
        #expect(html.contains(#"<main id="status">"#), "the status stayed hidden: \(html.prefix(2000))")
        #expect(html.contains(#"<h1 id="site">Demo site</h1>"#))
        for id in ["ess1", "ess2", "evse1", "evse2", "grid", "pv1"] {
            #expect(html.contains(#"data-device="\#(id)""#), "\(id) is not on the page")
        }
        #expect(html.contains(#"data-node="grid""#) && html.contains(#"data-node="ev""#))

        // The chart has points from the history: at least two samples of grid and of PV power.
        let chart = try #require(html.firstMatch(of: /<svg id="chart"[^>]*data-points="(\d+)"/), "no chart")
        #expect(Int(chart.1) ?? 0 >= 2)
        for series in ["grid", "pv", "ess", "ev"] {
            let line = try #require(
                html.firstMatch(of: try Regex(#"data-series="\#(series)" data-points="(\d+)""#)), "no \(series) line")
            let points = Int(line.output[1].substring ?? "") ?? 0
            #expect(points >= 2, "\(series): \(points) points")
        }

        // A PNG of the page, of the size asked for.
        let image = try Data(contentsOf: png)
        #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(image.count > 20_000, "\(image.count) bytes")
    }
}
