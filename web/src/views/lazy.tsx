// A page whose code loads when it is first opened (the Reports page and its chart library), so the first
// licenses table needs only the main bundle.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../messages.js';
import { ErrorText, Loading, type PageProps } from '../ui.js';

/** A view that shows "Loading …" until `load` has brought the real one, then renders it with the same props. */
export function lazyView(
  what: string,
  load: () => Promise<ComponentType<PageProps>>,
): ComponentType<PageProps> {
  let loaded: ComponentType<PageProps> | null = null;
  return function LazyView(props: PageProps) {
    const [View, setView] = useState<ComponentType<PageProps> | null>(() => loaded);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
      if (View) return;
      load()
        .then((component) => {
          loaded = component;
          setView(() => component);
        })
        .catch((failure: unknown) => setError(errorText(failure)));
    }, [View]);
    if (View) return <View {...props} />;
    return error ? <ErrorText text={`Could not load ${what}. ${error}`} /> : <Loading what={what} />;
  };
}
