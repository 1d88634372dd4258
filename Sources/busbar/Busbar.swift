import ArgumentParser

@main
struct Busbar: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "busbar",
        abstract: "A Modbus gateway for energy sites behind one meter.",
        subcommands: [CheckCommand.self]
    )
}
