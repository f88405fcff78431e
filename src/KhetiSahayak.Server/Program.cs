using KhetiSahayak.Server.Features.Advisories;
using KhetiSahayak.Server.Features.Dev;
using KhetiSahayak.Server.Features.Snapshots;
using KhetiSahayak.Server.Features.Sync;
using KhetiSahayak.Server.Infrastructure;
using KhetiSahayak.Server.Infrastructure.Auth;
using KhetiSahayak.Server.Infrastructure.Errors;
using KhetiSahayak.Server.Infrastructure.Health;
using KhetiSahayak.Server.Infrastructure.Logging;
using KhetiSahayak.Server.Infrastructure.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddJsonLogging();
builder.AddProblemHandling();
builder.AddSyncStore();
builder.AddSyncApi();
builder.AddSnapshotsApi();
builder.AddAdvisoriesApi();
builder.AddTokenAuthentication();
builder.AddWireCompression();
builder.AddDevApi();
builder.Services.AddHostedService<StartupBanner>();

var app = builder.Build();

app.UseSyncRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseResponseCompression();
app.UseRequestDecompression();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealthApi();
app.MapSyncApi();
app.MapSnapshotsApi();
app.MapAdvisoriesApi();
if (app.Environment.IsDevelopment())
{
    app.MapDevApi();
}

await app.RunAsync();

/// <summary>The entry point, public so WebApplicationFactory can start the server in tests.</summary>
public partial class Program;
