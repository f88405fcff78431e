namespace KhetiSahayak.Cli.Bench.Reports;

/// <summary>Many pre-synced devices, a bounded number at a time, each pushing small edits and pulling a few rows.</summary>
internal sealed record DeltaSyncReport : BenchReport
{
    public required int Devices { get; init; }

    public required int Concurrency { get; init; }

    public required int ChangesPerDevice { get; init; }

    /// <summary>Attempts each device's transport makes per call before a sync fails (the SDK's default unless set).</summary>
    public required int ClientMaxAttempts { get; init; }

    /// <summary>New server rows every device pulls in the measured sync.</summary>
    public required int RowsPulledPerDevice { get; init; }

    public required int Syncs { get; init; }

    /// <summary>Syncs that failed (an exception after the transport's retries) or did not apply every change.</summary>
    public required int Errors { get; init; }

    public IReadOnlyList<string> ErrorSamples { get; init; } = [];

    /// <summary>Answers 429 (node at its concurrent-sync limit), as the server counted them; the client retried them.</summary>
    public required int Status429 { get; init; }

    /// <summary>Retries the devices' transports made (after 429s or other transient failures).</summary>
    public required long ClientRetries { get; init; }

    public required double Seconds { get; init; }

    public required double SyncsPerSecond { get; init; }

    /// <summary>Whole device syncs as the device saw them, including back-off after a 429.</summary>
    public required LatencySummary SyncLatencyMs { get; init; }

    /// <summary>Accepted sync requests (2xx) as the server timed them (request start to response end).</summary>
    public required LatencySummary ServerAcceptedLatencyMs { get; init; }

    public required double RequestsPerSync { get; init; }

    public required double BytesPerSync { get; init; }

    /// <summary>This process's CPU (the server and the simulated devices share it) over all cores, in percent.</summary>
    public required double ProcessCpuPercent { get; init; }

    /// <summary>PostgreSQL's CPU over all cores, in percent (postgres store on Linux only).</summary>
    public double? PostgresCpuPercent { get; init; }

    /// <summary>Database commands the server ran per sync (PostgreSQL, counted through Npgsql's activities).</summary>
    public double? DbCommandsPerSync { get; init; }

    /// <summary>Milliseconds those commands took per sync, summed (PostgreSQL only).</summary>
    public double? DbCommandMsPerSync { get; init; }

    public required double SetupSeconds { get; init; }
}
