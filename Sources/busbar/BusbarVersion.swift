/// What `busbar --version` prints: the version and the git revision the executable was built
/// from (baked in by the BuildRevision plugin), e.g. `busbar 0.1.0 (git 5461095)`.
/// scripts/package takes the package's version from this line.
enum BusbarVersion {
    static let number = "0.1.0"

    static var line: String { "busbar \(number) (git \(BuildRevision.git))" }
}
