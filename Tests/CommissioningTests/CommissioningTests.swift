import Commissioning
import Foundation
import Logging
import Modbus
import Simulation
import SiteConfig
import TestSupport
import Testing

/// `busbar commission`'s survey and pulse tests against the simulated demo site: a site whose
/// maps are right passes; a map with an inverted or tenfold power fails on that device and point.
@Suite(.serialized)
struct CommissioningTests {
    /// The demo site simulated on free ports, a car in evse1, and the site pointing at it.
    private static func simulatedDemo() throws -> (SiteSimulation, LoadedSite) {
        let demo = try SiteLoader.load(path: Paths.root.appendingPathComponent("sites/demo.yaml").path).get()
        let simulation = try SiteSimulation(site: demo, options: .init(ports: .ephemeral))
        try simulation.start()
        simulation.startClock(tick: .milliseconds(50))
        simulation.plug(Car(), into: "evse1")
        var site = simulation.site(pointingAt: demo)
        site.site.pollInterval = .milliseconds(250)
        return (simulation, site)
    }

    /// `site` with the `point` of `device`'s map scaled by `factor` (the mistake a map author makes).
    private static func site(_ site: LoadedSite, scaling point: String, of device: String, by factor: Double)
        -> LoadedSite
    {
        var site = site
        let path = site.site.devices.first { $0.id == device }!.mapPath
        var map = site.maps[path]!
        let index = map.points.firstIndex { $0.name == point }!
        map.points[index].scale *= factor
        site.maps[path] = map
        return site
    }

    private let pulse = PulseSettings(duration: .seconds(3))

    @Test func surveyOfTheDemoSitePasses() throws {
        let (simulation, site) = try Self.simulatedDemo()
        defer { simulation.stop() }
        let report = Commissioning(site: site, logger: Logger(label: "test")).run()
        #expect(report.verdict == .pass, "\(report.markdown())")
        #expect(report.devices.map(\.id) == ["ess1", "ess2", "evse1", "evse2", "grid", "pv1"])
        for device in report.devices {
            #expect(device.checks.first?.name == "reachable")
            #expect(device.checks.first?.verdict == .pass)
            #expect(device.roundTripMilliseconds != nil)
            #expect(device.requestsPerCycle > 0)
            #expect(!device.points.isEmpty)
        }
        let ess1 = try #require(report.devices.first { $0.id == "ess1" })
        #expect(ess1.checks.contains { $0.name == "soc range" && $0.verdict == .pass })
        // The Victron's VE.Bus points live on unit 227: read there, not on the GX's unit 100.
        #expect(ess1.points.contains { $0.register.hasSuffix("unit 227") && !$0.shown.hasPrefix("unreadable") })
        let grid = try #require(report.devices.first { $0.id == "grid" })
        #expect(grid.checks.contains { $0.name == "phase sum" && $0.verdict == .pass })
        #expect(!report.pulsed)
        #expect(!report.devices.flatMap(\.checks).contains { $0.name.hasPrefix("pulse") })
    }

    @Test func pulsesMoveEveryControllableDeviceTheRightWay() throws {
        let (simulation, site) = try Self.simulatedDemo()
        defer { simulation.stop() }
        let report = Commissioning(site: site, pulse: pulse, logger: Logger(label: "test")).run()
        // Passed, with one warning: evse2 has no car to show that it follows.
        #expect(report.verdict == .warn, "\(report.markdown())")
        #expect(report.devices.flatMap(\.checks).filter { $0.verdict != .pass }.map(\.name) == ["pulse LIMIT"])
        for id in ["ess1", "ess2"] {
            let checks = try #require(report.devices.first { $0.id == id }).checks
            #expect(checks.contains { $0.name == "pulse FORCE_CHARGE" && $0.verdict == .pass }, "\(checks)")
            #expect(checks.contains { $0.name == "pulse FORCE_DISCHARGE" && $0.verdict == .pass }, "\(checks)")
        }
        let evse1 = try #require(report.devices.first { $0.id == "evse1" }).checks
        #expect(evse1.contains { $0.name == "pulse LIMIT" && $0.verdict == .pass }, "\(evse1)")
        // No car in evse2: said so, not failed.
        let evse2 = try #require(report.devices.first { $0.id == "evse2" }).checks
        #expect(evse2.contains { $0.name == "pulse LIMIT" && $0.verdict == .warn }, "\(evse2)")
        #expect(report.pulsed)
        // Handed back: the SMA's power control is off again once the commissioning stopped.
        #expect(simulation.value(of: "power_control", in: "ess2") == 803)
    }

    @Test func anInvertedSignFailsThePulseOnThatDeviceAndPoint() throws {
        let (simulation, site) = try Self.simulatedDemo()
        defer { simulation.stop() }
        let wrong = Self.site(site, scaling: "active_power", of: "ess2", by: -1)
        let report = Commissioning(site: wrong, pulse: pulse, logger: Logger(label: "test")).run()
        #expect(report.verdict == .fail)
        let ess2 = try #require(report.devices.first { $0.id == "ess2" })
        #expect(ess2.verdict == .fail)
        let failed = ess2.checks.filter { $0.verdict == .fail }
        #expect(failed.map(\.name) == ["pulse FORCE_CHARGE", "pulse FORCE_DISCHARGE"], "\(ess2.checks)")
        #expect(failed.allSatisfy { $0.point == "active_power" && $0.evidence.contains("sign of active_power") })
        #expect(report.devices.filter { $0.verdict == .fail }.map(\.id) == ["ess2"])
        #expect(report.markdown().contains("inverted in the map"))
    }

    @Test func aTenfoldScaleFailsOnThatDevice() throws {
        let (simulation, site) = try Self.simulatedDemo()
        defer { simulation.stop() }
        let wrong = Self.site(site, scaling: "active_power", of: "ess1", by: 10)
        let report = Commissioning(site: wrong, pulse: pulse, logger: Logger(label: "test")).run()
        let ess1 = try #require(report.devices.first { $0.id == "ess1" })
        let failed = ess1.checks.filter { $0.verdict == .fail }
        #expect(
            failed.contains { $0.name == "pulse FORCE_CHARGE" && $0.evidence.contains("scale of active_power") },
            "\(ess1.checks)")
        #expect(report.devices.filter { $0.verdict == .fail }.map(\.id) == ["ess1"])
    }

    @Test func anUnreachableDeviceFails() throws {
        var site = try SiteLoader.load(path: Paths.root.appendingPathComponent("sites/demo.yaml").path).get()
        site.site.devices = [site.site.devices[0]]
        site.site.devices[0].endpoint = .tcp(host: "127.0.0.1", port: freePort())
        let report = Commissioning(site: site, logger: Logger(label: "test")).run()
        #expect(report.verdict == .fail)
        #expect(report.devices[0].checks.map(\.name) == ["reachable"])
        #expect(report.devices[0].checks[0].evidence.contains("connection refused"))
    }

    @Test func reportsRenderEveryDevice() throws {
        let (simulation, site) = try Self.simulatedDemo()
        defer { simulation.stop() }
        let report = Commissioning(site: site, logger: Logger(label: "test")).run()
        let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any]
        #expect(json?["verdict"] as? String == "pass")
        let devices = try #require(json?["devices"] as? [[String: Any]])
        #expect(devices.compactMap { $0["verdict"] as? String }.count == 6)
        let html = report.html(appendix: "a < b")
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("a &lt; b"))
        for id in ["ess1", "ess2", "evse1", "evse2", "grid", "pv1"] {
            #expect(html.contains("id=\"\(id)\""))
            #expect(report.markdown().contains("## \(id) "))
        }
    }
}
