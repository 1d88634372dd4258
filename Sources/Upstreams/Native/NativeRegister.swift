/// One named point of the native register map: a field of the shared layer whose meaning is a
/// ``NativePoint``.
public typealias NativeRegister = RegisterField<NativePoint>
