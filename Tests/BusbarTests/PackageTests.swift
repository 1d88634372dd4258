import Foundation
import TestSupport
import Testing

/// scripts/package's .deb, unpacked into a scratch root as `dpkg -x` does: the binary runs, the
/// example site in /etc/busbar checks with the maps the package ships, the conffiles, control
/// fields, maintainer scripts and unit are the ones in packaging/.
@Suite(.serialized)
struct PackageTests {
    static let dpkgDeb = "/usr/bin/dpkg-deb"
    static let systemdAnalyze = "/usr/bin/systemd-analyze"

    func repository(_ path: String) -> String { Paths.root.appendingPathComponent(path).path }

    /// `Key: value` lines of a control file.
    func fields(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix(" ") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            result[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: dpkgDeb),
            "dpkg-deb is not installed (Debian's dpkg): the package cannot be built"))
    func theDebianPackageInstallsARunnableBinaryTheExampleSiteAndTheUnit() throws {
        let folder = try temporaryFolder("package")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The debug binary the tests were built with: a release build would take minutes.
        let built = try runCommand(
            repository("scripts/package"), ["--debug", "--binary", Paths.busbar, "--output", folder.path],
            timeout: .seconds(300))
        #expect(built.status == 0, "\(built.errorOutput)")
        let deb = try #require(built.output.split(separator: " ").first.map(String.init), "\(built.output)")
        #expect(FileManager.default.fileExists(atPath: deb), "\(built.output)")

        let version = try busbar("--version").output.trimmingCharacters(in: .whitespacesAndNewlines)
        let control = fields(try runCommand(Self.dpkgDeb, ["--field", deb]).output)
        #expect(control["Package"] == "busbar")
        #expect(control["Version"].map { version.hasPrefix("busbar \($0) (git ") } == true, "\(control)")
        let architecture = try runCommand("/usr/bin/dpkg", ["--print-architecture"]).output
        #expect(control["Architecture"] == architecture.trimmingCharacters(in: .whitespacesAndNewlines))
        let depends = (control["Depends"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
        }
        #expect(depends.contains("libmodbus5") && depends.contains("adduser"), "\(control)")

        let meta = folder.appendingPathComponent("DEBIAN")
        #expect(try runCommand(Self.dpkgDeb, ["--control", deb, meta.path]).status == 0)
        let conffiles = try String(contentsOf: meta.appendingPathComponent("conffiles"), encoding: .utf8)
        #expect(conffiles == "/etc/busbar/site.yaml\n")
        for script in ["postinst", "prerm", "postrm"] {
            let path = meta.appendingPathComponent(script).path
            #expect(FileManager.default.isExecutableFile(atPath: path), "\(script)")
            #expect(FileManager.default.contentsEqual(atPath: path, andPath: repository("packaging/\(script)")))
        }

        let root = folder.appendingPathComponent("root")
        let unpacked = try runCommand("/usr/bin/dpkg", ["-x", deb, root.path])
        #expect(unpacked.status == 0, "\(unpacked.errorOutput)")
        let installed = root.appendingPathComponent("usr/bin/busbar").path
        let installedVersion = try runCommand(installed, ["--version"])
        #expect(installedVersion.output.trimmingCharacters(in: .whitespacesAndNewlines) == version)

        // The example site names its maps where the package puts them, /usr/share/busbar/…;
        // checked here with that prefix under the scratch root, as dpkg -x leaves it.
        let site = try String(contentsOf: root.appendingPathComponent("etc/busbar/site.yaml"), encoding: .utf8)
        let maps = site.split(separator: "\n").compactMap { line in
            line.firstMatch(of: /^\s*(?:- )?map:\s*(\S+)/).map { String($0.1) }
        }
        #expect(!maps.isEmpty)
        for map in maps {
            #expect(map.hasPrefix("/usr/share/busbar/sites/devices/"), "\(map)")
            #expect(FileManager.default.fileExists(atPath: root.path + map), "\(map)")
        }
        let relocated = folder.appendingPathComponent("site.yaml")
        try site.replacingOccurrences(of: "map: /usr/share/busbar/", with: "map: \(root.path)/usr/share/busbar/")
            .write(to: relocated, atomically: true, encoding: .utf8)
        let checked = try runCommand(installed, ["check", relocated.path])
        #expect(checked.status == 0, "\(checked.output)\(checked.errorOutput)")
        // `busbar demo` finds its site beside the binary: <prefix>/share/busbar/sites.
        let demo = try runCommand(
            installed, ["check", root.appendingPathComponent("usr/share/busbar/sites/demo.yaml").path])
        #expect(demo.status == 0, "\(demo.output)\(demo.errorOutput)")

        let unit = root.appendingPathComponent("usr/lib/systemd/system/busbar.service").path
        #expect(FileManager.default.contentsEqual(atPath: unit, andPath: repository("packaging/busbar.service")))
    }

    /// The unit's promises: what it runs, how it reloads and restarts, as whom, and its hardening.
    @Test func theUnitRunsTheSiteInEtcAsBusbarWithSystemdHardening() throws {
        let unit = try String(contentsOfFile: repository("packaging/busbar.service"), encoding: .utf8)
        let lines = Set(unit.split(separator: "\n").map(String.init))
        for directive in [
            "ExecStart=/usr/bin/busbar run --journal /var/lib/busbar/journal.sqlite /etc/busbar/site.yaml",
            "ExecReload=/bin/kill -HUP $MAINPID",
            "Restart=on-failure", "User=busbar", "SupplementaryGroups=dialout", "ProtectSystem=strict",
            "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
            "StateDirectory=busbar", "WantedBy=multi-user.target",
        ] {
            #expect(lines.contains(directive), "\(directive)")
        }
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: systemdAnalyze),
            "systemd-analyze is not installed (scripts/setup installs systemd)"))
    func theUnitPassesSystemdAnalyzeVerify() throws {
        // verify checks that ExecStart's binary exists: the built one stands in for /usr/bin/busbar.
        let folder = try temporaryFolder("unit")
        defer { try? FileManager.default.removeItem(at: folder) }
        let unit = folder.appendingPathComponent("busbar.service")
        try String(contentsOfFile: repository("packaging/busbar.service"), encoding: .utf8)
            .replacingOccurrences(of: "ExecStart=/usr/bin/busbar ", with: "ExecStart=\(Paths.busbar) ")
            .write(to: unit, atomically: true, encoding: .utf8)
        let verified = try runCommand(Self.systemdAnalyze, ["verify", unit.path])
        #expect(verified.status == 0, "\(verified.errorOutput)")
        #expect(verified.errorOutput.isEmpty, "\(verified.errorOutput)")
    }

    /// postinst, with adduser, addgroup, getent and systemctl replaced by scripts that record
    /// their arguments: it creates the busbar user in dialout and enables the unit on a first
    /// install, and leaves an existing user and the administrator's enablement alone after.
    @Test func postinstCreatesTheBusbarUserInDialoutAndEnablesTheUnitOnAFirstInstall() throws {
        let folder = try temporaryFolder("postinst")
        defer { try? FileManager.default.removeItem(at: folder) }
        let calls = folder.appendingPathComponent("calls").path
        func stubs(userExists: Bool) throws {
            for command in ["adduser", "addgroup", "systemctl", "getent"] {
                let exit = command == "getent" && !userExists ? 2 : 0
                let path = folder.appendingPathComponent(command).path
                try "#!/bin/sh\necho \"\(command) $*\" >>\(calls)\nexit \(exit)\n".write(
                    toFile: path, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            }
        }
        func postinst(_ previous: String) throws -> [String] {
            try? FileManager.default.removeItem(atPath: calls)
            let result = try runCommand(
                "/usr/bin/env",
                [
                    "PATH=\(folder.path):/usr/bin:/bin", "/bin/sh", repository("packaging/postinst"), "configure",
                    previous,
                ])
            #expect(result.status == 0, "\(result.errorOutput)")
            let text = (try? String(contentsOfFile: calls, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("getent ") }
        }

        try stubs(userExists: false)
        let first = try postinst("")
        #expect(first.contains("addgroup --system --quiet busbar"), "\(first)")
        #expect(
            first.contains {
                $0.hasPrefix("adduser --system --quiet --ingroup busbar --home /var/lib/busbar ")
                    && $0.hasSuffix(" busbar")
            }, "\(first)")
        #expect(first.contains("adduser --quiet busbar dialout"), "\(first)")
        #expect(first.contains("systemctl enable busbar.service"), "\(first)")

        try stubs(userExists: true)
        let upgrade = try postinst("0.1.0")
        #expect(!upgrade.contains { $0.hasPrefix("adduser --system") || $0.hasPrefix("addgroup") }, "\(upgrade)")
        #expect(upgrade.contains("adduser --quiet busbar dialout"), "\(upgrade)")
        #expect(!upgrade.contains("systemctl enable busbar.service"), "\(upgrade)")
    }

    @Test func installUnderAPrefixMovesThePathsOfTheUnitAndTheExampleSite() throws {
        let folder = try temporaryFolder("install")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runCommand(
            "/usr/bin/env",
            [
                "DESTDIR=\(folder.path)", "PREFIX=/opt/busbar", repository("scripts/install"), "--binary",
                Paths.busbar,
            ], timeout: .seconds(120))
        #expect(result.status == 0, "\(result.errorOutput)")
        let unit = try String(
            contentsOf: folder.appendingPathComponent("etc/systemd/system/busbar.service"), encoding: .utf8)
        #expect(
            unit.contains(
                "ExecStart=/opt/busbar/bin/busbar run --journal /var/lib/busbar/journal.sqlite /etc/busbar/site.yaml\n"),
            "\(unit)")
        let site = try String(contentsOf: folder.appendingPathComponent("etc/busbar/site.yaml"), encoding: .utf8)
        #expect(site.contains("map: /opt/busbar/share/busbar/sites/devices/victron-gx-ess.yaml\n"), "\(site)")
        #expect(
            FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("opt/busbar/bin/busbar").path))
        #expect(
            FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("opt/busbar/share/busbar/sites/devices/victron-gx-ess.yaml").path)
        )
    }
}
