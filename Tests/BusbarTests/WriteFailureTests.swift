import Foundation
import Modbus
import SiteConfig
import TestSupport
import Testing

/// `busbar run` against a device that refuses a write with a Modbus exception: the gateway backs
/// off as after a failed poll, logs the failure once, counts it in the local API, and writes
/// the order once the device takes it again. The counts come from pymodbus's own journal.
@Suite(.serialized)
struct WriteFailureTests {
    @Test func aRefusedCoilWriteBacksOffIsLoggedOnceAndCountedUntilTheDeviceTakesIt() throws {
        let file = "phoenix-ev-charge-control.yaml"
        let map = try loadShippedMap(file)
        let coil = try #require(map.point(named: "charging_enabled"))
        let status = try #require(map.point(named: "status"))
        let port = freePort()
        // A car connected (state B); the controller refuses to switch charging on.
        let device = try PymodbusMapDevice(.init(map: map, values: ["status": 0x42]), on: .tcp(port: port))
        try device.refuseWrites(.coil, address: coil.address, with: .serverDeviceFailure)
        let site = try RunningSite(
            devices: [
                "{id: evse1, map: \(shippedMap(file)), uri: \"127.0.0.1:\(port)\", unit: \(map.unit), max_current: 32 A, phases: 3}"
            ],
            httpPort: freePort())
        #expect(eventually { site.isOnline("evse1") })

        // LIMIT 10 A: current_limit is written, then the enable coil, which the device refuses.
        try #require(site.master.setMode("evse1", "LIMIT", parameter: 10, duration: 300) == nil)
        #expect(try eventually(timeout: .seconds(30)) { try device.state().refused.count >= 3 })
        let refusals = try device.state().refused
        #expect(refusals.allSatisfy { $0.write.functionCode == 5 && $0.write.address == coil.address }, "\(refusals)")

        // One warning for the whole run of refusals, naming the exception.
        let failed = site.logLines("device write failed", device: "evse1")
        #expect(failed.count == 1, "\(failed)")
        #expect(failed.first?.contains(ExceptionCode.serverDeviceFailure.description) == true, "\(failed)")

        // The local API counts every refusal the device journalled.
        func writeFailures() throws -> Int? { try site.status(of: "evse1")?["writeFailures"] as? Int }
        func countsAgree() throws -> Bool { try writeFailures() == device.state().refused.count }
        #expect(try eventually { try countsAgree() })
        #expect(try writeFailures() ?? 0 >= 3)

        // Two more refusals: the gateway counted both, and meanwhile polled many times. Without
        // the back-off every poll would have come with a refused write.
        let before = try device.state()
        let failuresBefore = try #require(try writeFailures())
        #expect(try eventually(timeout: .seconds(40)) { try device.state().refused.count >= before.refused.count + 2 })
        #expect(try eventually { try countsAgree() })
        let after = try device.state()
        let refusedSince = after.refused.count - before.refused.count
        let failuresSince = try #require(try writeFailures()) - failuresBefore
        #expect(failuresSince == refusedSince)
        let statusReads = PymodbusMapDevice.ReadRequest(unit: map.unit, functionCode: 4, address: status.address)
        let pollsSince = (after.reads[statusReads] ?? 0) - (before.reads[statusReads] ?? 0)
        #expect(refusedSince * 3 <= pollsSince, "\(refusedSince) refused writes in \(pollsSince) polls")
        #expect(site.logLines("device write failed", device: "evse1").count == 1)

        // The device takes the write again: the next retry switches charging on, and says so.
        try device.acceptWrites(.coil, address: coil.address)
        #expect(eventually(timeout: .seconds(60)) { site.logged("device write succeeded again", device: "evse1") })
        #expect(try device.words("charging_enabled") == [1])
        #expect(try device.words("current_limit") == [10])
        #expect(site.logLines("device write failed", device: "evse1").count == 1)
    }
}
