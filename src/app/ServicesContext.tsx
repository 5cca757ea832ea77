import { createContext, useContext } from 'react';
import type { Services } from './createServices';

/** Holds the {@link Services}; provided once, at the root. */
export const ServicesContext = createContext<Services | null>(null);

/** The app's services; throws when used outside the provider, which is a wiring bug. */
export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() used outside <ServicesContext.Provider>');
  return services;
}
