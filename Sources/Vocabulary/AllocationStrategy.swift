/// How a cluster target is split over devices; the raw value is the site file's name. Every
/// strategy starts each device at the point of its bounds nearest 0 and moves them toward the
/// target, so no device charges while another discharges unless its bounds force it.
public enum AllocationStrategy: String, Hashable, Sendable, CaseIterable {
    /// The same share for each device, as far as its bounds allow (OpenEMS KEEPING_ALL_EQUAL).
    case equal
    /// Shares proportional to what each device can still give in the target's direction: its
    /// allowed power within its bounds (OpenEMS BALANCE).
    case proportional
    /// Discharge more from fuller batteries and charge more into emptier ones: shares
    /// proportional to SoC when discharging and to 100 − SoC when charging (OpenEMS
    /// KEEPING_ALL_NEAR_EQUAL).
    case socBalancing = "soc"
    /// Fill devices one after the other, highest priority first (ties keep input order).
    case priority
}
