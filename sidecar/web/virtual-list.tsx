import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef, useState } from "preact/hooks";

export interface VirtualListProps<T> {
  items: readonly T[];
  /** Every row is this tall (px): what makes the window a sum, not a measurement. */
  rowHeight: number;
  /** Rows drawn above and below the visible ones, so a quick scroll shows no blank. */
  overscan?: number;
  row: (item: T, index: number) => ComponentChildren;
  /** Changes when the items changed in place (the list is one array, mutated). */
  version: number;
  label: string;
}

/**
 * A scrolling list that draws only the rows in view: ten thousand events cost the DOM of
 * a few dozen rows, and a new one costs one re-render of those.
 */
export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight } = props;
  const overscan = props.overscan ?? 8;
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const resize = new ResizeObserver(() => setHeight(el.clientHeight));
    resize.observe(el);
    setHeight(el.clientHeight);
    return () => resize.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const shown = [];
  for (let i = first; i < last; i++) {
    shown.push(
      <li class="vrow" key={i} style={{ top: `${i * rowHeight}px`, height: `${rowHeight}px` }}>
        {props.row(items[i] as T, i)}
      </li>,
    );
  }
  return (
    <div
      class="vlist"
      ref={box}
      data-version={props.version}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
    >
      <ul class="vspace" aria-label={props.label} style={{ height: `${items.length * rowHeight}px` }}>
        {shown}
      </ul>
    </div>
  );
}
