using KhetiSahayak.Advisories.Import;
using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;
using Microsoft.Extensions.Options;

namespace KhetiSahayak.Server.Features.Advisories;

/// <summary>What the import handler needs from DI, bound with [AsParameters].</summary>
internal sealed record AdvisoryImportServices(
    IServerStore Store,
    ScopeSet Scopes,
    AdvisoryReference Reference,
    TimeProvider Time,
    IOptions<AdvisoriesOptions> Options,
    IOptions<AdvisoryImportOptions> ImportOptions,
    ILoggerFactory LoggerFactory);
