import { useState } from 'react';

/** A one-field form shown in place (rename, move to folder). */
export function InlineEdit({
  label,
  initial,
  onSave,
  onCancel,
}: {
  label: string;
  initial: string;
  onSave: (value: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  return (
    <form
      className="file-actions"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSave(value);
      }}
    >
      <input aria-label={label} value={value} onChange={(e) => setValue(e.target.value)} autoFocus />
      <button type="submit" className="primary">Save</button>
      <button type="button" onClick={onCancel}>Cancel</button>
    </form>
  );
}
