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
    public let table: ProfileTable<NativePoint>

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
        self.table = ProfileTable(NativeLayout.registers(siteName: siteName, devices: devices))
    }

    /// Every point, by address.
    public var registers: [NativeRegister] { table.fields }
    /// The first address past the table.
    public var end: Int { table.end }

    /// The point occupying `address`, if any.
    public func register(at address: Int) -> NativeRegister? { table.field(at: address) }

    /// The point named `name`, if any.
    public func register(named name: String) -> NativeRegister? { table.field(named: name) }

    /// The address ranges inside the table that no point occupies (reserved: read as 0).
    public var reserved: [Range<Int>] { table.reserved }
}
