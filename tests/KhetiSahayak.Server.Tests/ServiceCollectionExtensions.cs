using KhetiSahayak.Sync.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace KhetiSahayak.Server.Tests;

internal static class ServiceCollectionExtensions
{
    /// <summary>Wraps the server's store registration in a test decorator.</summary>
    public static IServiceCollection Decorate(this IServiceCollection services, Func<IServerStore, IServerStore> decorate)
    {
        var original = services.Last(d => d.ServiceType == typeof(IServerStore));
        services.Remove(original);
        services.AddSingleton(sp => decorate((IServerStore)original.ImplementationFactory!(sp)));
        return services;
    }
}
