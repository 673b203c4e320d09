/** A label cut to `max` characters with an ellipsis, for legends and axes ('Enterprise (ann…'). */
export function truncateLabel(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}
