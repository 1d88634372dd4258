import Control
import Foundation
import Gateway
import GatewayState
import Logging
import Modbus
import SiteConfig
import TestSupport
import Testing
import Upstreams
import Vocabulary

/// The runtime against two SMA batteries served from their device map over real sockets:
/// commands reach the registers through recipes, allocation follows the online devices, and
/// the watchdog returns them to AUTO.
@Suite(.serialized)
struct GatewayRuntimeTests {
    let mapPath = Paths.root.appendingPathComponent("sites/devices/sma-sunny-boy-storage.yaml").path
    let map: DeviceMap
    let first: MapServedDevice
    let second: MapServedDevice

    /// A value no recipe writes to any of the map's write-only points: a point that holds it was
    /// not written since it was poisoned.
    static let poison: Double = 4321

    init() throws {
        map = try DeviceMapLoader.load(path: mapPath).get()
        first = try MapServedDevice(map: map)
        second = try MapServedDevice(map: map)
        for device in [first, second] {
            try device.set("soc", 50)
            try device.set("active_power", 0)
            try poison(device)
        }
    }

    /// Sets the points the recipes write, which a device keeps until the gateway writes them.
    func poison(_ device: MapServedDevice) throws {
        for point in map.points where point.access == .write { try device.set(point.name, Self.poison) }
    }

    func gateway(watchdog: Duration = .seconds(60)) -> Gateway {
        let ratings = DeviceRatings(capacity: 10_000, maxPower: 6000)
        let site = Site(
            name: "Runtime test",
            devices: [
                DeviceConfig(id: "ess1", mapPath: mapPath, endpoint: first.endpoint, unit: 3, ratings: ratings),
                DeviceConfig(id: "ess2", mapPath: mapPath, endpoint: second.endpoint, unit: 3, ratings: ratings),
            ],
            allocation: .equal, sources: [SourceConfig(id: "ems", priority: 10, watchdog: watchdog)],
            pollInterval: .milliseconds(100))
        let loaded = LoadedSite(site: site, maps: [mapPath: map], path: "runtime-test.yaml")
        return Gateway(site: loaded, logger: Logger(label: "test"), timeouts: .init(response: .milliseconds(200)))
    }

    func startOnline(_ gateway: Gateway) throws {
        try gateway.start(upstreams: [])
        try #require(eventually { gateway.controller.snapshot.devicesOnline == 2 })
    }

    func submit(_ gateway: Gateway, _ mode: EssMode, end: Command.End? = nil) throws {
        let command = Command.ess(mode, from: "ems", at: gateway.controller.now(), end: end)
        _ = try gateway.controller.submit(command).get()
    }

    @Test func setPowerIsSplitOverBothBatteriesAndSumsToTheTarget() throws {
        let gateway = gateway()
        defer { gateway.stop() }
        try startOnline(gateway)
        try submit(gateway, .setPower(-5000))
        #expect(try eventually { try first.value("power_setpoint") + second.value("power_setpoint") == -5000 })
        #expect(try first.value("power_setpoint") == -2500)
        #expect(try first.value("power_control") == 802)
        #expect(try second.value("power_control") == 802)
    }

    @Test func noDischargeWritesTheLimitRecipe() throws {
        let gateway = gateway()
        defer { gateway.stop() }
        try startOnline(gateway)
        try submit(gateway, .noDischarge)
        #expect(
            try eventually { try first.value("max_discharge_power") == 0 && second.value("max_discharge_power") == 0 })
        #expect(try first.value("bms_mode") == 2424)
        // Charging stays allowed: the charge limit is the battery's rating.
        #expect(try first.value("max_charge_power") == 6000 && second.value("max_charge_power") == 6000)
    }

    @Test func killedBatteryLeavesAllocationAndRejoins() throws {
        let gateway = gateway()
        defer { gateway.stop() }
        try startOnline(gateway)
        try submit(gateway, .setPower(-5000))
        #expect(
            try eventually { try first.value("power_setpoint") == -2500 && second.value("power_setpoint") == -2500 })
        second.kill()
        #expect(eventually { gateway.controller.snapshot.device("ess2")?.online == false })
        #expect(try eventually { try first.value("power_setpoint") == -5000 })
        // As after a power cycle, the battery comes back without the set-point: only a fresh
        // write gives it its share again.
        try poison(second)
        try second.revive()
        #expect(eventually { gateway.controller.snapshot.devicesOnline == 2 })
        #expect(
            try eventually { try first.value("power_setpoint") == -2500 && second.value("power_setpoint") == -2500 })
        #expect(try second.value("power_control") == 802)
    }

    @Test func silentMasterFallsBackToAutoAfterItsWatchdog() throws {
        let gateway = gateway(watchdog: .seconds(1))
        defer { gateway.stop() }
        try startOnline(gateway)
        try submit(gateway, .noDischarge)
        #expect(try eventually { try first.value("max_discharge_power") == 0 })
        // Nobody refreshes: the AUTO recipe gives the batteries back their own control.
        #expect(
            try eventually { try first.value("max_discharge_power") == 6000 && first.value("power_control") == 803 })
        #expect(
            eventually {
                gateway.controller.snapshot.decision?.activeCommand(for: .essCluster)?.command.origin != .source("ems")
            })
    }

    @Test func commandWithADurationEndsByItself() throws {
        let gateway = gateway()
        defer { gateway.stop() }
        try startOnline(gateway)
        try submit(gateway, .limitCharge(maxChargePower: 2000), end: .after(.seconds(1)))
        #expect(try eventually { try first.value("max_charge_power") + second.value("max_charge_power") == 2000 })
        #expect(
            try eventually { try first.value("max_charge_power") == 6000 && second.value("max_charge_power") == 6000 })
    }
}
