using System.Text.Json;

namespace KhetiSahayak.Sync.Protocol;

/// <summary>
/// One local change a device pushes. <see cref="Id"/> is generated on the device and makes replays idempotent;
/// <see cref="BaseVersion"/> is the server version the edit was based on (null for a row the device created).
/// </summary>
/// <param name="Values">The full row after the change, by column name (insert and update).</param>
/// <param name="Changed">The columns the device changed (update); null means every column in <paramref name="Values"/>.</param>
/// <param name="Base">The values the changed columns had before the device's edit (update), for column-level merge.</param>
public sealed record Mutation(
    Guid Id,
    string Table,
    MutationOperation Operation,
    string Key,
    long? BaseVersion,
    IReadOnlyDictionary<string, JsonElement>? Values,
    IReadOnlyList<string>? Changed,
    IReadOnlyDictionary<string, JsonElement>? Base);
