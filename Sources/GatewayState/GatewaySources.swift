/// The command sources busbar itself speaks for.
public enum GatewaySources {
    /// The native Modbus profile's masters.
    public static let modbus = "modbus"
    /// An OpenEMS master Edge through the openems profile.
    public static let openems = "openems"
    /// OpenEMS REST clients (evcc's `openems` template) on the local API's `/rest/channel`.
    public static let openemsRest = "openems-rest"
    /// A SunSpec master through the sunspec profile.
    public static let sunspec = "sunspec"
    /// The local JSON API.
    public static let local = "local"
    /// A cloud EMS through the push API.
    public static let cloud = "cloud"
    /// Commands published on the site's MQTT command topic.
    public static let mqtt = "mqtt"
    /// The site file's weekly default schedule: below every other source unless listed.
    public static let weekly = "weekly"

    package static let defaults: [(String, Int)] = [
        (modbus, 10), (openems, 10), (openemsRest, 10), (sunspec, 10), (local, 5), (cloud, 5), (mqtt, 5),
        (weekly, 0),
    ]
}
