using System.Text.Json;
using System.Text.Json.Serialization;

namespace KhetiSahayak.Server.Features.Sync;

/// <summary>A sync, push or pull request body as it arrives (PROTOCOL.md, "Requests"); checked by <see cref="SyncRequestReader"/>.</summary>
internal sealed record SyncRequestDto
{
    public int? Protocol { get; init; }

    public int? ScopeVersion { get; init; }

    public string? Cursor { get; init; }

    public List<MutationDto?>? Mutations { get; init; }
}

/// <summary>One pushed mutation as it arrives; column values stay JSON until the engine reads them with their column types.</summary>
internal sealed record MutationDto
{
    public Guid? Id { get; init; }

    public string? Table { get; init; }

    public string? Op { get; init; }

    public string? Key { get; init; }

    public long? BaseVersion { get; init; }

    public Dictionary<string, JsonElement>? Values { get; init; }

    public List<string>? Changed { get; init; }

    public Dictionary<string, JsonElement>? Base { get; init; }
}

/// <summary>Strict, reflection-free reading: camelCase names exactly, numbers only as numbers; unknown properties are ignored (newer clients).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = false, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(SyncRequestDto))]
internal sealed partial class SyncJsonContext : JsonSerializerContext;
