import Control
import GatewayState
import Modbus
import SiteConfig
import Testing
import Upstreams
import Vocabulary

/// The shared profile layer: tables that report their own faults instead of trapping, and the
/// write assembler's whole-or-nothing rule for both profiles' policies.
@Suite struct ProfileLayerTests {
    private static func field(_ name: String, _ address: Int, _ type: ValueType, _ access: RegisterField<Int>.Access)
        -> RegisterField<Int>
    {
        RegisterField(name: name, address: address, type: type, access: access, group: "g", point: address)
    }

    @Test func aTableWithOverlappingOrTwinFieldsIsBuiltAndSaysSo() {
        let table = ProfileTable([
            Self.field("a", 0, .int32, .read), Self.field("b", 1, .uint16, .read), Self.field("a", 4, .uint16, .read),
        ])
        #expect(table.validate().map(\.message) == ["b overlaps a at address 1", "two fields are named a"])
        #expect(table.field(at: 1)?.name == "a")
        #expect(table.reserved == [2..<4])
    }

    @Test func aSiteWithADeviceNamedLikeTheNativeHeaderIsNotATrap() throws {
        let map = NativeRegisterMap(siteName: "x", devices: [(id: "header", kind: .meter)])
        let problems = map.table.validate()
        #expect(problems.isEmpty || problems.allSatisfy { $0.field.hasPrefix("header.") })
        #expect(map.register(named: "header.magic")?.address == 0)
    }

    @Test func aHalfWrittenValueIsRefusedByNativeAndKeptByOpenEMS() {
        let table = ProfileTable([Self.field("p", 10, .float32, .readWrite)])
        let native = NativeRegisterProfile(map: NativeFixture.map, source: "ems").policy
        let openems = OpenEMSRegisterProfile(table: OpenEMSTable(layout: OpenEMSFixture.layout), apiTimeout: nil).policy
        let strict = Self.handler(table, native)
        #expect(
            strict.handle(.writeMultipleRegisters(address: 10, values: [0x4120]), unit: 1)
                == .exception(.illegalDataValue))
        #expect(
            strict.handle(.writeMultipleRegisters(address: 9, values: [0, 0]), unit: 1)
                == .exception(.illegalDataAddress))
        #expect(strict.state.applied.isEmpty)
        // OpenEMS keeps the first word and applies the value when the second arrives.
        let keeping = Self.handler(table, openems)
        #expect(keeping.handle(.writeMultipleRegisters(address: 10, values: [0x4120]), unit: 1) == .written)
        #expect(keeping.state.applied.isEmpty)
        #expect(keeping.handle(.writeSingleRegister(address: 11, value: 0), unit: 1) == .exception(.illegalDataAddress))
        #expect(keeping.handle(.writeMultipleRegisters(address: 11, values: [0]), unit: 1) == .written)
        #expect(keeping.state.applied == [10.0])
        // NaN is refused whole.
        #expect(
            keeping.handle(.writeMultipleRegisters(address: 10, values: [0x7FC0, 0]), unit: 1)
                == .exception(.illegalDataValue))
        #expect(keeping.state.applied == [10.0])
    }

    private static func handler(_ table: ProfileTable<Int>, _ policy: ProfilePolicy) -> ProfileHandler<ProbeProfile> {
        ProfileHandler(
            ProbeProfile(table: table, policy: policy), unit: 1, snapshot: { OpenEMSFixture.snapshot() },
            sink: OpenEMSRecordingSink())
    }
}

/// A profile of one field: its state lists the addresses of the values writes completed.
private struct ProbeProfile: RegisterProfile {
    struct State: Hashable, Sendable { var applied: [Double] = [] }
    let table: ProfileTable<Int>
    let policy: ProfilePolicy
    var initialState: State { State() }

    func value(of field: RegisterField<Int>, snapshot: GatewaySnapshot, state: State) -> FieldValue? { nil }

    func interpret(_ writes: [FieldWrite<Int>], state: State, snapshot: GatewaySnapshot, sink: any CommandSink)
        throws(ProfileRefusal) -> State
    {
        var next = state
        next.applied += writes.map { Double($0.field.point) }
        return next
    }
}
