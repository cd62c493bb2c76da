import ServiceLifecycle

/// Runs `work` at once and then every `interval`, until the service group shuts down
/// gracefully or the task is cancelled: the loop of every periodic service of a node. A
/// sleep cut short by the shutdown ends the loop without running `work` again.
func repeatUntilShutdown(every interval: Duration, _ work: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            await work()
            do { try await Task.sleep(for: interval) } catch { break }
        }
    }
}
