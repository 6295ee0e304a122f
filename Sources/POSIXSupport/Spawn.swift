#if canImport(Glibc)
import Glibc
#endif

/// Starting another program and waiting for it, without Foundation: the wrapper commands
/// (`simulate usb -- COMMAND`) run COMMAND with a few environment variables added.
public enum Spawn {
    /// Whether `program` names an executable file, directly or through PATH.
    public static func isRunnable(_ program: String) -> Bool {
        if program.contains("/") { return access(program, X_OK) == 0 }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }

    /// Runs `arguments` (program first, looked up in PATH) with this process's environment plus
    /// `environment` (LD_PRELOAD is prepended to any the caller has), standard streams shared,
    /// and returns its exit status (128 + the signal for a program killed by one).
    public static func run(_ arguments: [String], environment: [String: String]) async throws(SpawnError) -> Int32 {
        var merged: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                merged[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        for (name, value) in environment {
            if name == "LD_PRELOAD", let existing = merged[name], !existing.isEmpty {
                merged[name] = value + " " + existing
            } else {
                merged[name] = value
            }
        }
        let pid = try start(arguments, environment: merged.map { "\($0.key)=\($0.value)" })
        return await runBlocking {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let signal = status & 0x7F
            return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        }
    }

    private static func start(_ arguments: [String], environment: [String]) throws(SpawnError) -> pid_t {
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // The caller is a thread of Swift's pool, which blocks most signals; a child inherits
        // that mask, and would then ignore Ctrl-C and SIGTERM. It starts with none blocked and
        // every signal at its default action, as from a shell.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, arguments[0], nil, &attributes, &argv, &envp)
        guard status == 0 else { throw SpawnError(program: arguments[0], errorNumber: status) }
        return pid
    }
}

/// A program could not be started.
public struct SpawnError: Error, CustomStringConvertible, Sendable {
    public var program: String
    public var errorNumber: Int32

    public var description: String {
        "could not start \(program): " + (errorNumber == ENOENT ? "no such program" : String(cString: strerror(errorNumber)))
    }
}
