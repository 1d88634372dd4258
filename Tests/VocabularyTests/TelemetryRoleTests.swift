import Testing
import Vocabulary

@Suite struct TelemetryRoleTests {
    @Test func aRoleBelongsToTheKindsThatReportIt() {
        #expect(TelemetryRole(pointName: "soc", of: .battery) == .soc)
        #expect(TelemetryRole(pointName: "soc", of: .meter) == nil)
        #expect(TelemetryRole(pointName: "active_power_l1", of: .meter) == .activePowerL1)
        #expect(TelemetryRole(pointName: "plugged", of: .chargepoint) == .plugged)
        #expect(TelemetryRole(pointName: "power_setpoint", of: .battery) == nil)
    }

    @Test func everyKindReportsActivePowerInWatts() {
        for kind in DeviceKind.allCases {
            #expect(kind.telemetryRoles.contains(.activePower))
        }
        #expect(TelemetryRole.activePower.unit == "W")
        #expect(TelemetryRole.capacity.unit == "Wh")
        #expect(TelemetryRole.status.unit == nil)
    }
}
