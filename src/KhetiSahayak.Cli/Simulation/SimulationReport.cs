using System.Text.Json.Serialization;

namespace KhetiSahayak.Cli.Simulation;

/// <summary>The outcome of a simulation; <see cref="LostWrites"/> and <see cref="DivergedRows"/> must be 0.</summary>
public sealed record SimulationReport(
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("devices")] int Devices,
    [property: JsonPropertyName("farmers")] int Farmers,
    [property: JsonPropertyName("operations")] int Operations,
    [property: JsonPropertyName("syncs")] int Syncs,
    [property: JsonPropertyName("failed_syncs")] int FailedSyncs,
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("retries")] long Retries,
    [property: JsonPropertyName("bytes_up")] long BytesUp,
    [property: JsonPropertyName("bytes_down")] long BytesDown,
    [property: JsonPropertyName("conflicts_recorded")] int ConflictsRecorded,
    [property: JsonPropertyName("cut_requests")] long CutRequests,
    [property: JsonPropertyName("cut_responses")] long CutResponses,
    [property: JsonPropertyName("duplicated_requests")] long DuplicatedRequests,
    [property: JsonPropertyName("lost_writes")] int LostWrites,
    [property: JsonPropertyName("diverged_rows")] int DivergedRows,
    [property: JsonPropertyName("seconds")] double Seconds);
