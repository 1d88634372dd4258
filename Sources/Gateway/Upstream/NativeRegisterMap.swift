public import Control
public import SiteConfig
public import Vocabulary

/// The native upstream profile's register map (docs/design.md §4): every point a master can read or
/// write, with its address, encoding, access, unit and meaning. This table is the single source
/// of truth: ``NativeProfile`` serves it and `busbar map` documents it.
///
/// Built from a site's devices, in site-file order: the header, site telemetry, the control and
/// status blocks of the ESS and chargepoint clusters, then one block per device at a fixed
/// stride. Addresses between points inside the table are reserved: they read as 0 and refuse
/// writes with 0x02. Addresses past the table's end refuse reads and writes with 0x02.
public struct NativeRegisterMap: Sendable {
    /// The map layout's version, in the header; raised whenever an address changes.
    package static let version: UInt16 = 1
    /// The header's first register: "BB" in ASCII.
    package static let magic: UInt16 = 0x4242

    /// The site's name, as the header holds it.
    public let siteName: String
    /// The devices with a block, in block order.
    public let devices: [DeviceID]
    /// Every point, by address.
    public let registers: [NativeRegister]
    /// The first address past the table.
    public let end: Int

    /// Index into `registers` for every address a point occupies.
    private let index: [Int: Int]

    /// The map for a loaded site: the device blocks follow the site file's device order, and
    /// each device's kind comes from its map.
    public init(site loaded: LoadedSite) {
        let devices = loaded.site.devices.map { device in
            (id: DeviceID(device.id), kind: loaded.map(for: device)?.kind ?? .meter)
        }
        self.init(siteName: loaded.site.name, devices: devices)
    }

    /// The map for a site named `siteName` with these devices, in order.
    public init(siteName: String, devices: [(id: DeviceID, kind: DeviceKind)]) {
        self.siteName = siteName
        self.devices = devices.map(\.id)
        let registers = NativeLayout.registers(siteName: siteName, devices: devices)
        self.registers = registers
        precondition(Set(registers.map(\.name)).count == registers.count, "native map: two points share a name")
        var index: [Int: Int] = [:]
        for (position, register) in registers.enumerated() {
            for address in register.addresses {
                precondition(index[address] == nil, "native map: \(register.name) overlaps another point")
                index[address] = position
            }
        }
        self.index = index
        self.end = registers.map(\.addresses.upperBound).max() ?? 0
    }

    /// The point occupying `address`, if any.
    public func register(at address: Int) -> NativeRegister? {
        index[address].map { registers[$0] }
    }

    /// The point named `name`, if any.
    public func register(named name: String) -> NativeRegister? {
        registers.first { $0.name == name }
    }

    /// The address ranges inside the table that no point occupies (reserved: read as 0).
    public var reserved: [Range<Int>] {
        var gaps: [Range<Int>] = []
        var cursor = 0
        for register in registers.sorted(by: { $0.address < $1.address }) {
            if register.address > cursor { gaps.append(cursor..<register.address) }
            cursor = max(cursor, register.addresses.upperBound)
        }
        return gaps
    }
}
