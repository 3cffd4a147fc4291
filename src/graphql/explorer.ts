import type { ApolloServerPlugin } from '@apollo/server';

/** What the explorer opens with: the app's example operation and, in development, its headers. */
export interface ExplorerPreset {
  /** The operation in the first tab (when the browser has none of its own stored). */
  readonly defaultQuery?: string;
  /** The headers in the first tab, e.g. a development token. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Apollo Sandbox, hosted by Apollo, pointed at this gateway: offered, never needed. */
const SANDBOX_LINK = `
<a id="tessera-sandbox" target="_blank" rel="noopener" title="Apollo Sandbox is loaded from apollographql.com: it needs internet"
   style="position:fixed;right:12px;bottom:8px;z-index:10;font:12px system-ui,sans-serif;color:#888">Open in Apollo Sandbox</a>
<script>
  document.getElementById('tessera-sandbox').href =
    'https://studio.apollographql.com/sandbox/explorer?endpoint=' + encodeURIComponent(location.origin + '/graphql');
</script>`;

/** The options of `renderGraphiQL` that Tessera passes. */
interface GraphiQLOptions {
  readonly title: string;
  readonly endpoint: string;
  readonly defaultQuery?: string;
  /** JSON text for the headers editor. */
  readonly headers?: string;
  readonly shouldPersistHeaders: boolean;
}

// Imported on the first visit: the module is some 9 MB of inlined code that a gateway nobody browses
// never needs. The specifier is a variable so that TypeScript leaves the package's typings alone:
// they import graphql-yoga's, which augment graphql's error extensions and clash with Apollo Server's.
const RENDERER: string = '@graphql-yoga/render-graphiql';
const loadRenderer = async () => ((await import(RENDERER)) as { renderGraphiQL: (options: GraphiQLOptions) => string }).renderGraphiQL;

/**
 * The page: GraphiQL with everything inlined (scripts, styles, editor workers) by
 * `@graphql-yoga/render-graphiql`, so it loads from the gateway alone, without internet or a CDN.
 */
async function explorerHtml(preset: ExplorerPreset = {}): Promise<string> {
  const renderGraphiQL = await loadRenderer();
  const html = renderGraphiQL({
    title: 'Tessera',
    endpoint: '/graphql',
    ...(preset.defaultQuery ? { defaultQuery: preset.defaultQuery } : {}),
    ...(preset.headers ? { headers: JSON.stringify(preset.headers, null, 2) } : {}),
    // A header typed into the explorer (a token) stays in that browser tab, not in local storage.
    shouldPersistHeaders: false,
  });
  return html.replace('<div id="root"></div>', `<div id="root"></div>${SANDBOX_LINK}`);
}

/**
 * Serves the explorer where Apollo Server serves its landing page (`GET /graphql` from a browser,
 * `Accept: text/html`), through Apollo's own seam for it. Rendered on the first visit, then kept:
 * the page is some 9 MB of inlined code.
 */
export function explorerLandingPage(preset?: ExplorerPreset): ApolloServerPlugin {
  let page: Promise<string> | undefined;
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return {
            html: () =>
              (page ??= explorerHtml(preset).catch((error: unknown) => {
                page = undefined;
                throw error;
              })),
          };
        },
      };
    },
  };
}
