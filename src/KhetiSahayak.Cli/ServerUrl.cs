using System.CommandLine;

namespace KhetiSahayak.Cli;

/// <summary>The <c>--server</c> option, parsed as an absolute http(s) URL with a clear error otherwise.</summary>
internal static class ServerUrl
{
    public static Option<Uri> Option(string description) => new("--server")
    {
        Description = description,
        Required = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            result.AddError($"--server: '{text}' is not an http or https URL");
            return null;
        },
    };
}
