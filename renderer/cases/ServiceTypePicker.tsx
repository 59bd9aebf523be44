// A searchable choice of service type: a filter box over a native list box, so it works with the
// keyboard and screen readers without a custom widget. Only active types take new cases.
import { useId, useMemo, useState } from 'react';
import type { ServiceType } from '../../shared/domain/service-type.js';

/** Active types whose name, code or agency contains every typed word. */
export function filterServiceTypes(types: readonly ServiceType[], filter: string): ServiceType[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return types.filter((type) => {
    if (!type.active) return false;
    const haystack = `${type.name} ${type.code} ${type.agency}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

type Props = { types: readonly ServiceType[]; value: string; onChange: (code: string) => void; disabled?: boolean };

export function ServiceTypePicker({ types, value, onChange, disabled = false }: Props) {
  const id = useId();
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => filterServiceTypes(types, filter), [types, filter]);
  const chosen = types.find((type) => type.code === value);
  return (
    <fieldset className="service-type-picker" disabled={disabled}>
      <legend>Service type</legend>
      <label className="visually-hidden" htmlFor={`${id}-filter`}>
        Filter service types
      </label>
      <input
        id={`${id}-filter`}
        type="search"
        data-testid="service-type-filter"
        placeholder="Type to filter (e.g. pothole, dumping)"
        autoComplete="off"
        value={filter}
        onChange={(event) => {
          setFilter(event.target.value);
          const [only] = filterServiceTypes(types, event.target.value);
          // One match left: choose it, so "pothole" then Enter is enough.
          if (only && filterServiceTypes(types, event.target.value).length === 1) onChange(only.code);
        }}
      />
      <label className="visually-hidden" htmlFor={`${id}-select`}>
        Service type
      </label>
      <select
        id={`${id}-select`}
        data-testid="service-type-select"
        size={Math.min(6, Math.max(2, shown.length))}
        value={value}
        required
        onChange={(event) => onChange(event.target.value)}
      >
        {shown.map((type) => (
          <option key={type.code} value={type.code}>
            {type.name} — {type.agency}
          </option>
        ))}
      </select>
      <p className="status-muted" aria-live="polite">
        {chosen ? `Chosen: ${chosen.name}${chosen.needsLocation ? ' (needs an address)' : ''}` : types.length === 0 ? 'Loading service types…' : 'Choose a service type.'}
      </p>
    </fieldset>
  );
}
