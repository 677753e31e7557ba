import type { PropsWithChildren } from 'react'
import { initCloud } from '@/api'
import './app.css'

initCloud()

function App({ children }: PropsWithChildren) {
  return children
}

export default App
