// Gives components the desk controller (accept, decline, hang up, away, sync now).
import { createContext, useContext } from 'react';
import type { DeskController } from './controller.js';

export const DeskControllerContext = createContext<DeskController | null>(null);

export function useDeskController(): DeskController {
  const controller = useContext(DeskControllerContext);
  if (!controller) throw new Error('useDeskController needs a DeskControllerContext provider');
  return controller;
}
